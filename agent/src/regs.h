// SPDX-License-Identifier: Apache-2.0
/*
 * The little golat.bpf.c needs from the kernel, instead of a generated vmlinux.h.
 * The programs touch no kernel struct but the uprobe context, whose x86-64 layout
 * (struct pt_regs, arch/x86/include/asm/ptrace.h) is fixed ABI, so no CO-RE and no
 * BTF of the build machine are needed: the build is the same on every host.
 */
#ifndef __GOLAT_REGS_H
#define __GOLAT_REGS_H

#include <linux/types.h>
#include <linux/bpf.h>

struct pt_regs {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long bp;
	unsigned long bx;
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long ax;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax;
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
	unsigned long sp;
	unsigned long ss;
};

#endif /* __GOLAT_REGS_H */
