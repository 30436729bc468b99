// SPDX-License-Identifier: Apache-2.0

//go:build cgo

package main

// The cgo build variant links the C resolvers of net and os/user, as distro-built Go servers do, so that the
// binary is dynamically linked against glibc (PT_INTERP, DT_NEEDED libc.so.6).
import (
	"net"
	"os/user"
)

var (
	_ = net.LookupHost
	_ = user.Current
)
