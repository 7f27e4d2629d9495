/*
 * Scenario "chaos", two vCPUs, CHAOS_BOOTS boots. vCPU 0 counts the boot in scratch register 0 of
 * the test device (the device survives a reboot; RAM does not) and starts vCPU 1 (PSCI CPU_ON).
 * Then each vCPU makes CHAOS_ITERATIONS exits of kinds a generator picks (seeded by the boot and
 * the vCPU): 8-byte stores and loads of its own scratch register (a load must read its last
 * store), byte stores and loads of another, and doorbell hypercalls whose answer it checks. Then
 * both meet (bounded wait) and ask at the same moment for a reset (PSCI SYSTEM_RESET) — or, at
 * the last boot, for a power-off (SYSTEM_OFF).
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    ldr x0, [x28, #DEV_DATA]                    /* boots so far */
    add x0, x0, #1
    str x0, [x28, #DEV_DATA]
    adr x1, boot
    str x0, [x1]
    ldr x0, =PSCI_CPU_ON
    mov x1, #1
    adr x2, secondary
    mov x3, #1                                  /* its context: its number */
    hvc #0
    cbz x0, 1f
    fail FAIL_CPU_ON
    power_off_for_good
1:  mov x12, #0
    b chaos

secondary:                                      /* x0 = 1 */
    scenario_cpu
    mov x12, x0
chaos:                                          /* x12: this vCPU's number */
    adr x1, boot
    ldr x13, [x1]                               /* x13: the generator, seeded by boot and vCPU */
    lsl x13, x13, #8
    add x13, x13, x12
    ldr x9, =0x9e3779b97f4a7c15
    mul x13, x13, x9
    ldr x14, =CHAOS_ITERATIONS                  /* x14: exits left */
    mov x10, #(DEV_DATA + 8)
    add x10, x10, x12, lsl #3                   /* x10: this vCPU's 8-byte register */
    mov x11, #(DEV_DATA + 0x30)
    add x11, x11, x12                           /* x11: its byte register */
    ldr x15, [x28, x10]                         /* x15: what the register holds (from an earlier boot) */
    ldr x17, =6364136223846793005
    ldr x18, =1442695040888963407
    ldr x19, =HYPERCALL_DOORBELL
next:
    madd x13, x13, x17, x18
    lsr x0, x13, #62
    cbz x0, store
    cmp x0, #1
    b.eq load
    cmp x0, #2
    b.eq call
byte:                                           /* a byte store, then a byte load that must match */
    lsr x0, x13, #40
    strb w0, [x28, x11]
    and w16, w0, #0xff
    ldrb w0, [x28, x11]
    cmp w0, w16
    b.ne data_failed
    sub x14, x14, #1                            /* two exits */
    b counted
store:
    str x13, [x28, x10]
    mov x15, x13
    b counted
load:
    ldr x0, [x28, x10]
    cmp x0, x15
    b.ne data_failed
    b counted
call:                                           /* nr 0x41, x1 = the generator, x2 = the vCPU: 0x41 + x1 + 2 * x2 */
    mov x0, #HC_NR
    mov x1, x13
    mov x2, x12
    mov x3, xzr
    mov x4, xzr
    mov x5, xzr
    mov x6, xzr
    str xzr, [x19]
    add x1, x13, x12, lsl #1
    add x1, x1, #HC_NR
    cmp x0, x1
    b.eq counted
    fail FAIL_HYPERCALL_ANSWER
    power_off_for_good
counted:
    subs x14, x14, #1
    b.gt next

    adr x1, arrived                             /* meet the other vCPU, then both ask at once */
    mov x0, #1
    str x0, [x1, x12, lsl #3]
    dsb sy
    ldr x2, =WAIT_LIMIT
2:  ldr x0, [x1]
    ldr x3, [x1, #8]
    and x0, x0, x3
    cbnz x0, 3f
    subs x2, x2, #1
    b.ne 2b
3:  adr x1, boot
    ldr x0, [x1]
    cmp x0, #CHAOS_BOOTS
    b.hs 4f
    ldr x0, =PSCI_SYSTEM_RESET
    hvc #0
5:  wfi                                         /* the reset takes the guest away; nothing runs on */
    b 5b
4:  power_off_for_good

data_failed:
    fail FAIL_CHAOS_DATA
    power_off_for_good

    .balign 8
boot:
    .quad 0
arrived:
    .quad 0, 0
    vector_table unexpected
