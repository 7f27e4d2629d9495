/*
 * Scenario "chaos", two vCPUs, CHAOS_BOOTS boots. vCPU 0 counts the boot in scratch register 0 of
 * the test device (the device survives a reboot; RAM does not) and starts vCPU 1 (CPU_ON). Then
 * each vCPU makes CHAOS_ITERATIONS exits of kinds a generator picks (seeded by the boot and the
 * vCPU): 8-byte stores and loads of its own scratch register (a load must read its last store),
 * byte stores and loads of another, and hypercalls whose answer it checks. Then both meet (bounded
 * wait) and ask at the same moment for a reset — or, at the last boot, for a power-off.
 */
#include "scenario.h"
    .code64
    .globl _start
_start:
    scenario_cpu
    mov DEV_DATA(%r15), %rbx           /* boots so far */
    inc %rbx
    mov %rbx, DEV_DATA(%r15)
    mov %rbx, boot(%rip)
    xor %eax, %eax                     /* CPU_ON: vCPU 1 at `secondary`, its number as argument */
    mov $1, %rdi
    lea secondary(%rip), %rsi
    mov $1, %rdx
    out %al, $PLATFORM_PORT
    test %rax, %rax
    jz 1f
    fail FAIL_CPU_ON
    power_off_for_good
1:  xor %edi, %edi
    jmp chaos

secondary:                             /* RDI = 1 */
    scenario_cpu
chaos:
    mov %rdi, %r12                     /* r12: this vCPU's number */
    mov boot(%rip), %r13               /* r13: the generator, seeded by boot and vCPU */
    shl $8, %r13
    add %r12, %r13
    movabs $0x9e3779b97f4a7c15, %rax
    imul %rax, %r13
    mov $CHAOS_ITERATIONS, %r14        /* r14: exits left */
    mov DEV_DATA+8(%r15,%r12,8), %rbp  /* rbp: what this vCPU's register holds (from an earlier boot) */
    movzbl DEV_DATA+0x30(%r15,%r12), %ebx /* bl: what its byte register holds */
next:
    movabs $6364136223846793005, %rax
    imul %rax, %r13
    movabs $1442695040888963407, %rax
    add %rax, %r13
    mov %r13, %rax
    shr $62, %rax
    jz store
    cmp $1, %eax
    je load
    cmp $2, %eax
    je call
byte:                                  /* a byte store, then a byte load that must match */
    mov %r13, %rax
    shr $40, %rax
    mov %al, DEV_DATA+0x30(%r15,%r12)
    mov %al, %bl
    movzbl DEV_DATA+0x30(%r15,%r12), %eax
    cmp %bl, %al
    jne data_failed
    dec %r14                           /* two exits */
    jmp counted
store:
    mov %r13, DEV_DATA+8(%r15,%r12,8)
    mov %r13, %rbp
    jmp counted
load:
    mov DEV_DATA+8(%r15,%r12,8), %rax
    cmp %rax, %rbp
    jne data_failed
    jmp counted
call:                                  /* nr 0x41, a0 = the generator, a1 = the vCPU: 0x41 + a0 + 2 * a1 */
    mov $HC_NR, %eax
    mov %r13, %rdi
    mov %r12, %rsi
    xor %edx, %edx
    xor %ecx, %ecx
    xor %r8d, %r8d
    xor %r9d, %r9d
    out %al, $HYPERCALL_PORT
    lea HC_NR(%r13,%r12,2), %rdx
    cmp %rdx, %rax
    je counted
    fail FAIL_HYPERCALL_ANSWER
    power_off_for_good
counted:
    dec %r14
    jg next

    lock incq arrived(%rip)            /* meet the other vCPU, then both ask at once */
    mov $WAIT_LIMIT, %rcx
2:  cmpq $2, arrived(%rip)
    jae 3f
    pause
    dec %rcx
    jnz 2b
3:  cmpq $CHAOS_BOOTS, boot(%rip)
    jae 4f
    mov $PLATFORM_SYSTEM_RESET, %eax
    out %al, $PLATFORM_PORT
5:  hlt                                /* the reset takes the guest away; nothing runs on */
    jmp 5b
4:  power_off_for_good

data_failed:
    fail FAIL_CHAOS_DATA
    power_off_for_good

    .balign 8
boot:
    .quad 0
arrived:
    .quad 0
