#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# build.sh OUTDIR — builds the Go test programs once per installed Go toolchain:
#   OUTDIR/go1.XX/stmtserver, OUTDIR/go1.XX/workload
# for every /usr/lib/go-1.*/bin/go (Debian's golang-1.XX-go packages). Static (CGO_ENABLED=0), default
# flags (symbols and DWARF kept). A binary newer than every source file and this script is not rebuilt.
# Prints one line per binary. Run by the go-testbins pom in the compile phase.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src="$here/src/go"
programs=(stmtserver workload)

shopt -s nullglob
toolchains=(/usr/lib/go-1.*/bin/go)
shopt -u nullglob
if [[ ${#toolchains[@]} -eq 0 ]]; then
    echo "no Go toolchain found: install golang-1.19-go (scripts/bootstrap)" >&2
    exit 1
fi

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS= GOWORK=off GOPROXY=off
# The default build cache survives `mvn clean`; without a home directory use one next to OUTDIR.
if [[ "$(GOTOOLCHAIN=local "${toolchains[0]}" env GOCACHE 2>/dev/null)" != /* ]]; then
    export GOCACHE="$out/../gocache"
fi

# True when binary $1 is missing or older than a source of program $2: its cmd/ folder, internal/,
# go.mod or this script (find -newer compares nanosecond timestamps).
stale() {
    [[ ! -x "$1" ]] || [[ -n "$(find "$src/cmd/$2" "$src/internal" "$src/go.mod" "$here/build.sh" -type f \
        -newer "$1" -print -quit)" ]]
}

for go in "${toolchains[@]}"; do
    full=$("$go" env GOVERSION)              # go1.21.13
    version=$(sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/' <<<"$full")   # go1.21
    mkdir -p "$out/$version"
    for p in "${programs[@]}"; do
        bin="$out/$version/$p"
        if ! stale "$bin" "$p"; then
            echo "up to date  $bin ($full)"
            continue
        fi
        (cd "$src" && "$go" build -o "$bin.tmp" "./cmd/$p")
        mv -f "$bin.tmp" "$bin"
        echo "built       $bin ($full)"
    done
done
