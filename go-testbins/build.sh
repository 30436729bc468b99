#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# build.sh OUTDIR — builds every Go test program (each folder of src/go/cmd) with every toolchain found and
# in every build variant:
#   OUTDIR/go1.XX/PROGRAM                default: static (CGO_ENABLED=0), symbols and DWARF kept
#   OUTDIR/go1.XX/stripped/PROGRAM       -ldflags='-s -w'
#   OUTDIR/go1.XX/pie/PROGRAM            -buildmode=pie
#   OUTDIR/go1.XX/stripped-pie/PROGRAM   -buildmode=pie -ldflags='-s -w'
#   OUTDIR/go1.XX/cgo/PROGRAM            CGO_ENABLED=1: dynamically linked against glibc (net, os/user)
# Toolchains: every /usr/lib/go-1.*/bin/go (Debian's golang-1.XX-go), and every $GOLAT_CACHE/toolchains/go1.XX
# (links that scripts/bootstrap makes to the preinstalled Go 1.26 and to Go 1.27 fetched with GOTOOLCHAIN).
# A binary newer than every source file and this script is not rebuilt. Prints one line per binary.
# Run by the go-testbins pom in the compile phase.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src="$here/src/go"
cache=${GOLAT_CACHE:-$here/../.cache/golat}
programs=()
for d in "$src"/cmd/*/; do programs+=("$(basename "$d")"); done

shopt -s nullglob
candidates=(/usr/lib/go-1.*/bin/go "$cache"/toolchains/go1.*/bin/go)
shopt -u nullglob
if [[ ${#candidates[@]} -eq 0 ]]; then
    echo "no Go toolchain found: install golang-1.19-go (scripts/bootstrap)" >&2
    exit 1
fi

export GOTOOLCHAIN=local GOFLAGS= GOWORK=off GOPROXY=off
# The default build cache survives `mvn clean`; without a home directory use one next to OUTDIR.
if [[ "$("${candidates[0]}" env GOCACHE 2>/dev/null)" != /* ]]; then
    export GOCACHE="$out/../gocache"
fi

# True when binary $1 is missing or older than a source of program $2: its cmd/ folder, internal/,
# go.mod or this script (find -newer compares nanosecond timestamps).
stale() {
    [[ ! -x "$1" ]] || [[ -n "$(find "$src/cmd/$2" "$src/internal" "$src/go.mod" "$here/build.sh" -type f \
        -newer "$1" -print -quit)" ]]
}

# variant name, CGO_ENABLED, go build flags
variants=(
    "|0|"
    "stripped|0|-ldflags=-s -w"
    "pie|0|-buildmode=pie"
    "stripped-pie|0|-buildmode=pie -ldflags=-s -w"
    "cgo|1|"
)

declare -A seen=()
for go in "${candidates[@]}"; do
    full=$("$go" env GOVERSION)              # go1.21.13
    version=$(sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/' <<<"$full")   # go1.21
    [[ -n "${seen[$version]:-}" ]] && continue
    seen[$version]=1
    for v in "${variants[@]}"; do
        IFS='|' read -r name cgo flags <<<"$v"
        dir="$out/$version${name:+/$name}"
        mkdir -p "$dir"
        for p in "${programs[@]}"; do
            bin="$dir/$p"
            if ! stale "$bin" "$p"; then
                echo "up to date  $bin ($full)"
                continue
            fi
            # shellcheck disable=SC2086 # flags are words; -ldflags=-s -w is one of them
            if [[ "$flags" == *"-ldflags=-s -w"* ]]; then
                (cd "$src" && CGO_ENABLED=$cgo "$go" build ${flags%%-ldflags=*} "-ldflags=-s -w" -o "$bin.tmp" "./cmd/$p")
            else
                (cd "$src" && CGO_ENABLED=$cgo "$go" build $flags -o "$bin.tmp" "./cmd/$p")
            fi
            mv -f "$bin.tmp" "$bin"
            echo "built       $bin ($full${name:+, $name})"
        done
    done
done
