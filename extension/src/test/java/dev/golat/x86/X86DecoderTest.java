// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.x86.Instruction.Kind;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One instruction at a time, with answers from GNU objdump 2.40: the rows of {@code assembled} are
 * {@code as --64} output of a list of the instruction classes Go emits (Go prologues, returns, branches,
 * every ModRM/SIB/displacement/immediate form, x87, BMI/ADX, CRC32, AES-NI, SHA-NI, PCLMULQDQ, AVX2,
 * AVX-512, AVX512-FP16) as {@code objdump -d -w -M intel} printed them; {@code raw} rows are byte strings
 * that {@code as} will not produce, fed to {@code objdump -D -b binary -m i386:x86-64}. Expected kinds
 * and targets were read off objdump's mnemonic and operand.
 */
class X86DecoderTest {

    @ParameterizedTest(name = "{5}")
    @CsvSource(delimiter = '|', textBlock = """
            0x0 | 49 3b 66 10 | 4 | OTHER | -1 | cmp rsp,QWORD PTR [r14+0x10]
            0x4 | 76 fa | 2 | JCC | 0x0 | jbe 0 <start>
            0x6 | 4c 8d a4 24 f0 fc ff ff | 8 | OTHER | -1 | lea r12,[rsp-0x310]
            0xe | 4d 3b 66 10 | 4 | OTHER | -1 | cmp r12,QWORD PTR [r14+0x10]
            0x12 | 0f 86 6e 02 00 00 | 6 | JCC | 0x286 | jbe 286 <far_target>
            0x18 | 49 89 e4 | 3 | OTHER | -1 | mov r12,rsp
            0x1b | 49 81 ec 98 ff 0f 00 | 7 | OTHER | -1 | sub r12,0xfff98
            0x22 | 72 dc | 2 | JCC | 0x0 | jb 0 <start>
            0x24 | 64 4c 8b 34 25 f8 ff ff ff | 9 | OTHER | -1 | mov r14,QWORD PTR fs:0xfffffffffffffff8
            0x2d | 64 48 8b 0c 25 f8 ff ff ff | 9 | OTHER | -1 | mov rcx,QWORD PTR fs:0xfffffffffffffff8
            0x36 | c3 | 1 | RET | -1 | ret
            0x37 | c2 10 00 | 3 | RET | -1 | ret 0x10
            0x3a | f3 c3 | 2 | RET | -1 | repz ret
            0x3c | e8 bf ff ff ff | 5 | CALL | 0x0 | call 0 <start>
            0x41 | ff d0 | 2 | CALL_INDIRECT | -1 | call rax
            0x43 | ff 50 08 | 3 | CALL_INDIRECT | -1 | call QWORD PTR [rax+0x8]
            0x46 | ff 15 34 12 00 00 | 6 | CALL_INDIRECT | -1 | call QWORD PTR [rip+0x1234]
            0x4c | eb b2 | 2 | JMP | 0x0 | jmp 0 <start>
            0x4e | e9 33 02 00 00 | 5 | JMP | 0x286 | jmp 286 <far_target>
            0x53 | ff e0 | 2 | JMP_INDIRECT | -1 | jmp rax
            0x55 | ff 24 c5 00 10 40 00 | 7 | JMP_INDIRECT | -1 | jmp QWORD PTR [rax*8+0x401000]
            0x5c | 75 a2 | 2 | JCC | 0x0 | jne 0 <start>
            0x5e | 0f 84 22 02 00 00 | 6 | JCC | 0x286 | je 286 <far_target>
            0x64 | e2 9a | 2 | JCC | 0x0 | loop 0 <start>
            0x66 | e3 98 | 2 | JCC | 0x0 | jrcxz 0 <start>
            0x68 | cc | 1 | INT3 | -1 | int3
            0x69 | 0f 0b | 2 | OTHER | -1 | ud2
            0x6b | 48 8b 45 00 | 4 | OTHER | -1 | mov rax,QWORD PTR [rbp+0x0]
            0x6f | 48 8b 04 24 | 4 | OTHER | -1 | mov rax,QWORD PTR [rsp]
            0x73 | 49 8b 85 78 56 34 12 | 7 | OTHER | -1 | mov rax,QWORD PTR [r13+0x12345678]
            0x7a | 48 8b 04 98 | 4 | OTHER | -1 | mov rax,QWORD PTR [rax+rbx*4]
            0x7e | 48 8b 04 5d 78 56 34 12 | 8 | OTHER | -1 | mov rax,QWORD PTR [rbx*2+0x12345678]
            0x86 | 8b 05 00 01 00 00 | 6 | OTHER | -1 | mov eax,DWORD PTR [rip+0x100]
            0x8c | 48 8d 7c fc 10 | 5 | OTHER | -1 | lea rdi,[rsp+rdi*8+0x10]
            0x91 | 67 8b 00 | 3 | OTHER | -1 | mov eax,DWORD PTR [eax]
            0x94 | b0 01 | 2 | OTHER | -1 | mov al,0x1
            0x96 | 66 b8 34 12 | 4 | OTHER | -1 | mov ax,0x1234
            0x9a | b8 78 56 34 12 | 5 | OTHER | -1 | mov eax,0x12345678
            0x9f | 48 b8 f0 de bc 9a 78 56 34 12 | 10 | OTHER | -1 | movabs rax,0x123456789abcdef0
            0xa9 | 49 bf f0 de bc 9a 78 56 34 12 | 10 | OTHER | -1 | movabs r15,0x123456789abcdef0
            0xb3 | b9 01 00 00 00 | 5 | OTHER | -1 | mov ecx,0x1
            0xb8 | 48 05 78 56 34 12 | 6 | OTHER | -1 | add rax,0x12345678
            0xbe | 66 05 34 12 | 4 | OTHER | -1 | add ax,0x1234
            0xc2 | 83 c0 01 | 3 | OTHER | -1 | add eax,0x1
            0xc5 | 69 c1 00 10 00 00 | 6 | OTHER | -1 | imul eax,ecx,0x1000
            0xcb | 66 69 c1 00 01 | 5 | OTHER | -1 | imul ax,cx,0x100
            0xd0 | f6 00 01 | 3 | OTHER | -1 | test BYTE PTR [rax],0x1
            0xd3 | f7 40 08 00 01 00 00 | 7 | OTHER | -1 | test DWORD PTR [rax+0x8],0x100
            0xda | 66 f7 00 00 01 | 5 | OTHER | -1 | test WORD PTR [rax],0x100
            0xdf | f6 10 | 2 | OTHER | -1 | not BYTE PTR [rax]
            0xe1 | 48 f7 d8 | 3 | OTHER | -1 | neg rax
            0xe4 | 66 c7 00 34 12 | 5 | OTHER | -1 | mov WORD PTR [rax],0x1234
            0xe9 | 48 c7 44 24 08 00 00 00 00 | 9 | OTHER | -1 | mov QWORD PTR [rsp+0x8],0x0
            0xf2 | 68 78 56 34 12 | 5 | OTHER | -1 | push 0x12345678
            0xf7 | 6a 01 | 2 | OTHER | -1 | push 0x1
            0xf9 | c8 10 00 01 | 4 | OTHER | -1 | enter 0x10,0x1
            0xfd | a0 88 77 66 55 44 33 22 11 | 9 | OTHER | -1 | movabs al,ds:0x1122334455667788
            0x106 | 48 a3 88 77 66 55 44 33 22 11 | 10 | OTHER | -1 | movabs ds:0x1122334455667788,rax
            0x110 | dd 00 | 2 | OTHER | -1 | fld QWORD PTR [rax]
            0x112 | dd d9 | 2 | OTHER | -1 | fstp st(1)
            0x114 | df e0 | 2 | OTHER | -1 | fnstsw ax
            0x116 | 9b df e0 | 3 | OTHER | -1 | fstsw ax
            0x119 | db e3 | 2 | OTHER | -1 | fninit
            0x11b | d9 2c 24 | 3 | OTHER | -1 | fldcw WORD PTR [rsp]
            0x11e | f3 0f 1e fa | 4 | OTHER | -1 | endbr64
            0x122 | f3 90 | 2 | OTHER | -1 | pause
            0x124 | 0f ae f0 | 3 | OTHER | -1 | mfence
            0x127 | 0f ae e8 | 3 | OTHER | -1 | lfence
            0x12a | 48 93 | 2 | OTHER | -1 | xchg rbx,rax
            0x12c | 87 08 | 2 | OTHER | -1 | xchg DWORD PTR [rax],ecx
            0x12e | f0 87 08 | 3 | OTHER | -1 | lock xchg DWORD PTR [rax],ecx
            0x131 | f0 48 0f b1 0f | 5 | OTHER | -1 | lock cmpxchg QWORD PTR [rdi],rcx
            0x136 | f0 48 0f c7 0f | 5 | OTHER | -1 | lock cmpxchg16b OWORD PTR [rdi]
            0x13b | f0 0f c1 00 | 4 | OTHER | -1 | lock xadd DWORD PTR [rax],eax
            0x13f | f3 48 0f b8 c3 | 5 | OTHER | -1 | popcnt rax,rbx
            0x144 | f3 48 0f bd c3 | 5 | OTHER | -1 | lzcnt rax,rbx
            0x149 | f3 48 0f bc c3 | 5 | OTHER | -1 | tzcnt rax,rbx
            0x14e | c4 e2 e0 f2 c1 | 5 | OTHER | -1 | andn rax,rbx,rcx
            0x153 | c4 e2 f0 f7 c3 | 5 | OTHER | -1 | bextr rax,rbx,rcx
            0x158 | c4 e2 f8 f3 cb | 5 | OTHER | -1 | blsr rax,rbx
            0x15d | c4 e2 f1 f7 c3 | 5 | OTHER | -1 | shlx rax,rbx,rcx
            0x162 | c4 e3 fb f0 c3 0d | 6 | OTHER | -1 | rorx rax,rbx,0xd
            0x168 | c4 e2 e3 f5 c1 | 5 | OTHER | -1 | pdep rax,rbx,rcx
            0x16d | 66 48 0f 38 f6 c3 | 6 | OTHER | -1 | adcx rax,rbx
            0x173 | f3 48 0f 38 f6 c3 | 6 | OTHER | -1 | adox rax,rbx
            0x179 | c4 e2 e3 f6 c1 | 5 | OTHER | -1 | mulx rax,rbx,rcx
            0x17e | f2 0f 38 f0 06 | 5 | OTHER | -1 | crc32 eax,BYTE PTR [rsi]
            0x183 | f2 48 0f 38 f1 06 | 6 | OTHER | -1 | crc32 rax,QWORD PTR [rsi]
            0x189 | 66 0f 38 dc c1 | 5 | OTHER | -1 | aesenc xmm0,xmm1
            0x18e | 66 0f 38 dd 00 | 5 | OTHER | -1 | aesenclast xmm0,XMMWORD PTR [rax]
            0x193 | 66 0f 3a df c1 01 | 6 | OTHER | -1 | aeskeygenassist xmm0,xmm1,0x1
            0x199 | 0f 38 cb ca | 4 | OTHER | -1 | sha256rnds2 xmm1,xmm2,xmm0
            0x19d | 0f 3a cc c1 03 | 5 | OTHER | -1 | sha1rnds4 xmm0,xmm1,0x3
            0x1a2 | 66 0f 3a 44 c1 11 | 6 | OTHER | -1 | pclmulhqhqdq xmm0,xmm1
            0x1a8 | c4 e3 75 44 c2 00 | 6 | OTHER | -1 | vpclmullqlqdq ymm0,ymm1,ymm2
            0x1ae | 0f 01 f9 | 3 | OTHER | -1 | rdtscp
            0x1b1 | 0f 31 | 2 | OTHER | -1 | rdtsc
            0x1b3 | 0f 01 d0 | 3 | OTHER | -1 | xgetbv
            0x1b6 | 0f a2 | 2 | OTHER | -1 | cpuid
            0x1b8 | 0f 05 | 2 | OTHER | -1 | syscall
            0x1ba | f3 a4 | 2 | OTHER | -1 | rep movs BYTE PTR es:[rdi],BYTE PTR ds:[rsi]
            0x1bc | f3 48 ab | 3 | OTHER | -1 | rep stos QWORD PTR es:[rdi],rax
            0x1bf | 0f 10 06 | 3 | OTHER | -1 | movups xmm0,XMMWORD PTR [rsi]
            0x1c2 | f3 0f 6f 4c 16 f0 | 6 | OTHER | -1 | movdqu xmm1,XMMWORD PTR [rsi+rdx*1-0x10]
            0x1c8 | 66 0f 70 c1 1b | 5 | OTHER | -1 | pshufd xmm0,xmm1,0x1b
            0x1cd | 66 0f 73 d8 04 | 5 | OTHER | -1 | psrldq xmm0,0x4
            0x1d2 | 66 0f 74 c1 | 4 | OTHER | -1 | pcmpeqb xmm0,xmm1
            0x1d6 | 66 0f d7 c0 | 4 | OTHER | -1 | pmovmskb eax,xmm0
            0x1da | 66 0f 38 00 c1 | 5 | OTHER | -1 | pshufb xmm0,xmm1
            0x1df | 66 0f 3a 0f c1 04 | 6 | OTHER | -1 | palignr xmm0,xmm1,0x4
            0x1e5 | 66 0f 3a 61 07 0c | 6 | OTHER | -1 | pcmpestri xmm0,XMMWORD PTR [rdi],0xc
            0x1eb | 0f 18 08 | 3 | OTHER | -1 | prefetcht0 BYTE PTR [rax]
            0x1ee | 0f 18 40 40 | 4 | OTHER | -1 | prefetchnta BYTE PTR [rax+0x40]
            0x1f2 | 90 | 1 | OTHER | -1 | nop
            0x1f3 | 66 90 | 2 | OTHER | -1 | xchg ax,ax
            0x1f5 | 0f 1f 00 | 3 | OTHER | -1 | nop DWORD PTR [rax]
            0x1f8 | 66 0f 1f 04 00 | 5 | OTHER | -1 | nop WORD PTR [rax+rax*1]
            0x1fd | 2e 66 0f 1f 04 00 | 6 | OTHER | -1 | cs nop WORD PTR [rax+rax*1]
            0x203 | c5 f8 77 | 3 | OTHER | -1 | vzeroupper
            0x206 | c5 fe 6f 06 | 4 | OTHER | -1 | vmovdqu ymm0,YMMWORD PTR [rsi]
            0x20a | c4 41 7e 6f 41 20 | 6 | OTHER | -1 | vmovdqu ymm8,YMMWORD PTR [r9+0x20]
            0x210 | c5 fd 74 0f | 4 | OTHER | -1 | vpcmpeqb ymm1,ymm0,YMMWORD PTR [rdi]
            0x214 | c5 fd d7 c1 | 4 | OTHER | -1 | vpmovmskb eax,ymm1
            0x218 | c4 e2 75 00 c2 | 5 | OTHER | -1 | vpshufb ymm0,ymm1,ymm2
            0x21d | c4 e2 7d 78 c1 | 5 | OTHER | -1 | vpbroadcastb ymm0,xmm1
            0x222 | c4 e3 75 46 c2 20 | 6 | OTHER | -1 | vperm2i128 ymm0,ymm1,ymm2,0x20
            0x228 | c4 e3 75 0f c2 08 | 6 | OTHER | -1 | vpalignr ymm0,ymm1,ymm2,0x8
            0x22e | c5 fd 70 c1 1b | 5 | OTHER | -1 | vpshufd ymm0,ymm1,0x1b
            0x233 | c5 fd 73 d9 04 | 5 | OTHER | -1 | vpsrldq ymm0,ymm1,0x4
            0x238 | c5 f9 ef c0 | 4 | OTHER | -1 | vpxor xmm0,xmm0,xmm0
            0x23c | 62 f3 75 48 25 c2 96 | 7 | OTHER | -1 | vpternlogd zmm0,zmm1,zmm2,0x96
            0x243 | 62 f1 fe 48 6f 06 | 6 | OTHER | -1 | vmovdqu64 zmm0,ZMMWORD PTR [rsi]
            0x249 | 62 e1 fe 48 6f 46 01 | 7 | OTHER | -1 | vmovdqu64 zmm16,ZMMWORD PTR [rsi+0x40]
            0x250 | 62 f1 7d 48 74 4f 01 | 7 | OTHER | -1 | vpcmpeqb k1,zmm0,ZMMWORD PTR [rdi+0x40]
            0x257 | 62 f1 75 d9 fe 00 | 6 | OTHER | -1 | vpaddd zmm0{k1}{z},zmm1,DWORD BCST [rax]
            0x25d | 62 f1 7d 48 70 c1 1b | 7 | OTHER | -1 | vpshufd zmm0,zmm1,0x1b
            0x264 | 62 01 8d 40 ef fd | 6 | OTHER | -1 | vpxorq zmm31,zmm30,zmm29
            0x26a | c4 e1 fb 93 c1 | 5 | OTHER | -1 | kmovq rax,k1
            0x26f | c4 e1 f8 98 c9 | 5 | OTHER | -1 | kortestq k1,k1
            0x274 | 62 f2 75 48 dc c2 | 6 | OTHER | -1 | vaesenc zmm0,zmm1,zmm2
            0x27a | 62 f2 7d 48 13 c1 | 6 | OTHER | -1 | vcvtph2ps zmm0,ymm1
            0x280 | 62 f5 74 48 58 c2 | 6 | OTHER | -1 | vaddph zmm0,zmm1,zmm2
            0x286 | 90 | 1 | OTHER | -1 | nop
            """)
    void assembled(String address, String hex, int length, Kind kind, String target, String objdump) {
        check(Long.decode(address), hex, length, kind, Long.decode(target));
    }

    @ParameterizedTest(name = "{5}")
    @CsvSource(delimiter = '|', textBlock = """
            0x0 | 66 e8 00 00 | 4 | CALL | 0x4 | callw 0x4 (66: rel16, AMD semantics, as objdump)
            0x401000 | 66 e8 00 f0 | 4 | CALL | 0x4 | callw 0x4 (rel16 truncates IP to 16 bits)
            0x401000 | 66 0f 84 00 f0 | 5 | JCC | 0x5 | je 0x5
            0x401000 | 66 eb f0 | 3 | JMP | 0x400ff3 | data16 jmp 0x400ff3
            0x0 | 66 48 e8 00 00 00 00 | 7 | CALL | 0x7 | data16 rex.W call 0x7 (REX.W beats 66)
            0x0 | 67 e8 00 00 00 00 | 6 | CALL | 0x6 | addr32 call 0x6
            0x0 | 66 66 66 90 | 4 | OTHER | -1 | data16 data16 xchg ax,ax
            0x0 | f3 f2 a4 | 3 | OTHER | -1 | rep repnz movsb
            0x0 | f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 90 | 14 | OTHER | -1 | lock (x13) nop
            0x0 | 66 a1 11 22 33 44 55 66 77 88 | 10 | OTHER | -1 | movabs ax,ds:0x8877665544332211
            0x0 | 67 a0 11 22 33 44 | 6 | OTHER | -1 | addr32 mov al,ds:0x44332211
            0x0 | c8 10 00 01 | 4 | OTHER | -1 | enter 0x10,0x1
            0x0 | 66 f7 c8 01 00 | 5 | OTHER | -1 | test ax,0x1 (F7 /1)
            0x0 | f6 d0 | 2 | OTHER | -1 | not al (F6 /2: no immediate)
            0x0 | c7 f8 00 00 00 00 | 6 | OTHER | -1 | xbegin 0x6
            0x0 | c6 f8 01 | 3 | OTHER | -1 | xabort 0x1
            0x0 | 66 0f 78 c0 01 02 | 6 | OTHER | -1 | extrq xmm0,0x1,0x2
            0x0 | 0f 78 c0 | 3 | OTHER | -1 | vmread rax,rax
            0x0 | 0f 20 00 | 3 | OTHER | -1 | mov rax,cr0 (mod is ignored)
            0x0 | 0f 0f c0 b4 | 4 | OTHER | -1 | pfmul mm0,mm0 (3DNow!)
            0x0 | 0f a7 d0 | 3 | OTHER | -1 | xcrypt-cbc
            0x0 | 8f e8 78 c0 c0 01 | 6 | OTHER | -1 | vprotb xmm0,xmm0,0x1 (XOP map 8)
            0x0 | 8f c0 | 2 | OTHER | -1 | pop rax
            0x0 | ff 18 | 2 | CALL_INDIRECT | -1 | call FWORD PTR [rax]
            0x0 | ff 28 | 2 | JMP_INDIRECT | -1 | jmp FWORD PTR [rax]
            0x0 | ca 10 00 | 3 | OTHER | -1 | retf 0x10 (far return is not RET)
            0x0 | 9b 90 | 1 | OTHER | -1 | fwait
            0x0 | 9b d9 38 | 3 | OTHER | -1 | fstcw WORD PTR [rax]
            0x0 | f3 9b db e3 | 4 | OTHER | -1 | repz finit
            0x0 | 9b 67 db e3 | 4 | OTHER | -1 | addr32 finit
            0x0 | f3 9b 90 | 2 | OTHER | -1 | repz fwait
            0x0 | 9b f3 9b 8c 3a | 2 | OTHER | -1 | repz fwait
            0x0 | 9b 9b db e3 | 4 | OTHER | -1 | finit
            0x0 | c5 f8 77 | 3 | OTHER | -1 | vzeroupper
            0x0 | c4 e1 78 77 | 4 | OTHER | -1 | vzeroupper (VEX3)
            0x0 | c5 f8 c6 c1 01 | 5 | OTHER | -1 | vshufps xmm0,xmm0,xmm1,0x1
            0x0 | c4 e3 79 0f c1 01 | 6 | OTHER | -1 | vpalignr xmm0,xmm0,xmm1,0x1
            0x0 | 62 f1 7c 48 c2 c1 01 | 7 | OTHER | -1 | vcmpltps k0,zmm0,zmm1
            0x0 | 62 f3 7d 48 1e c1 01 | 7 | OTHER | -1 | vpcmpltud k0,zmm0,zmm1
            0x0 | 62 f5 7c 48 58 c1 | 6 | OTHER | -1 | vaddph zmm0,zmm0,zmm1 (EVEX map 5)
            """)
    void raw(String address, String hex, int length, Kind kind, String target, String objdump) {
        check(Long.decode(address), hex, length, kind, Long.decode(target));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            06 | opcode 06 is invalid in 64-bit mode
            82 c0 01 | opcode 82 is invalid in 64-bit mode
            d6 | opcode D6 is invalid in 64-bit mode
            0f 04 | opcode 0F 04 is undefined
            0f 38 50 c0 | opcode 0F 38 50 is undefined
            0f 3a ff c0 01 | opcode 0F 3A FF is undefined
            0f b8 c0 | defined only with prefix F3
            48 66 90 | REX prefix 48 must be the last prefix, found 66 after it
            48 48 90 | two REX prefixes
            48 c5 f8 77 | before VEX
            66 62 f1 7c 48 58 c1 | before EVEX
            c4 e4 78 58 c1 | VEX map 4 is undefined
            62 f4 7c 48 58 c1 | EVEX map 4 is undefined
            62 f1 78 48 58 c1 | reserved bit
            ff f8 | FF /7 is undefined
            ff d8 | FF /3 is undefined with a register operand
            fe d0 | FE /2 is undefined
            c6 c8 01 | C6 /1 is undefined
            8d c0 | LEA needs a memory operand
            8f 20 | 8F /4 is undefined
            8f 0f 78 c0 | XOP map 15 is undefined
            f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 f0 90 | longer than 15 bytes
            0f 84 00 00 | truncated x86-64 instruction at 0x401000: bytes 0f 84 00 00 end the code, need at least 2 more
            48 | truncated
            """)
    void invalid(String hex, String message) {
        byte[] code = HexFormat.ofDelimiter(" ").parseHex(hex);
        assertThatThrownBy(() -> X86Decoder.decode(code, 0, 0x401000))
                .isInstanceOf(X86DecodeException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("0x401000")
                .satisfies(e -> assertThat(((X86DecodeException) e).address()).isEqualTo(0x401000));
    }

    @Test
    void decodeAll_sweeps_a_go_function_with_its_int3_padding() {
        // main.trivial of go-testbins workload (go1.23) and the first bytes of its padding, from objdump -d.
        byte[] code = HexFormat.ofDelimiter(" ").parseHex("48 8d 04 40 48 8d 40 01 c3 cc cc cc");
        List<Instruction> insns = X86Decoder.decodeAll(code, 0x4a8100);
        assertThat(insns).extracting(Instruction::address)
                .containsExactly(0x4a8100L, 0x4a8104L, 0x4a8108L, 0x4a8109L, 0x4a810aL, 0x4a810bL);
        assertThat(insns.get(2).kind()).isEqualTo(Kind.RET);
        assertThat(insns.get(3).kind()).isEqualTo(Kind.INT3);
    }

    @Test
    void decode_rejects_an_offset_outside_the_code() {
        assertThatThrownBy(() -> X86Decoder.decode(new byte[4], 4, 0x1000))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("offset 4 is outside the code (4 bytes)");
    }

    private static void check(long address, String hex, int length, Kind kind, long target) {
        byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(hex.trim());
        // Surround the instruction with other bytes: the decoder must stop at its end and start at the offset.
        byte[] code = new byte[bytes.length + 8];
        System.arraycopy(bytes, 0, code, 3, bytes.length);
        code[0] = code[1] = code[2] = (byte) 0xCC;
        for (int i = 3 + bytes.length; i < code.length; i++) {
            code[i] = (byte) 0x90;
        }
        Instruction insn = X86Decoder.decode(code, 3, address);
        assertThat(insn).isEqualTo(new Instruction(address, length, kind, target));
    }
}
