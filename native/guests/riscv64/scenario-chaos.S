/*
 * Scenario "chaos", two harts, CHAOS_BOOTS boots. Hart 0 counts the boot in scratch register 0 of
 * the test device (the device survives a reboot; RAM does not) and starts hart 1 (SBI HSM
 * hart_start). Then each hart makes CHAOS_ITERATIONS exits of kinds a generator picks (seeded by
 * the boot and the hart): 8-byte stores and loads of its own scratch register (a load must read
 * its last store), byte stores and loads of another, and AxVM hypercalls whose answer it checks.
 * Then both meet (bounded wait) and ask at the same moment for a reset (SBI SRST cold reboot) —
 * or, at the last boot, for a shutdown.
 */
#include "scenario.h"
    .globl _start
_start:
    scenario_cpu
    ld t0, DEV_DATA(s11)                        /* boots so far */
    addi t0, t0, 1
    sd t0, DEV_DATA(s11)
    lla t1, boot
    sd t0, 0(t1)
    li a7, SBI_EXT_HSM
    li a6, 0
    li a0, 1
    lla a1, secondary
    li a2, 1
    ecall
    beqz a0, 1f
    fail FAIL_CPU_ON
    power_off_for_good
1:  li s0, 0
    j chaos

secondary:                                      /* a0 = the hart id, 1 */
    scenario_cpu
    mv s0, a0
chaos:                                          /* s0: this hart's number */
    lla t1, boot
    ld s1, 0(t1)                                /* s1: the generator, seeded by boot and hart */
    slli s1, s1, 8
    add s1, s1, s0
    li t0, 0x9e3779b97f4a7c15
    mul s1, s1, t0
    li s2, CHAOS_ITERATIONS                     /* s2: exits left */
    slli s3, s0, 3
    add s3, s3, s11
    addi s3, s3, DEV_DATA + 8                   /* s3: this hart's 8-byte register */
    add s4, s11, s0
    addi s4, s4, DEV_DATA + 0x30                /* s4: its byte register */
    ld s5, 0(s3)                                /* s5: what the register holds (from an earlier boot) */
    li s7, 6364136223846793005
    li s10, 1442695040888963407
next:
    mul s1, s1, s7
    add s1, s1, s10
    srli t0, s1, 62
    beqz t0, store
    li t1, 1
    beq t0, t1, load
    li t1, 2
    beq t0, t1, call
byte:                                           /* a byte store, then a byte load that must match */
    srli t0, s1, 40
    sb t0, 0(s4)
    andi s6, t0, 0xff
    lbu t0, 0(s4)
    bne t0, s6, data_failed
    addi s2, s2, -1                             /* two exits */
    j counted
store:
    sd s1, 0(s3)
    mv s5, s1
    j counted
load:
    ld t0, 0(s3)
    bne t0, s5, data_failed
    j counted
call:                                           /* nr 0x41, a0 = the generator, a1 = the hart: 0x41 + a0 + 2 * a1 */
    li a7, SBI_EXT_AXVM_HVC
    li a6, HC_NR
    mv a0, s1
    mv a1, s0
    li a2, 0
    li a3, 0
    li a4, 0
    li a5, 0
    ecall
    slli t0, s0, 1
    add t0, t0, s1
    addi t0, t0, HC_NR
    beq a0, t0, counted
    fail FAIL_HYPERCALL_ANSWER
    power_off_for_good
counted:
    addi s2, s2, -1
    bgtz s2, next

    lla t1, arrived                             /* meet the other hart, then both ask at once */
    slli t0, s0, 3
    add t0, t0, t1
    li t2, 1
    sd t2, 0(t0)
    fence rw, rw
    li t2, WAIT_LIMIT
2:  ld t0, 0(t1)
    ld t3, 8(t1)
    and t0, t0, t3
    bnez t0, 3f
    addi t2, t2, -1
    bnez t2, 2b
3:  lla t1, boot
    ld t0, 0(t1)
    li t2, CHAOS_BOOTS
    bgeu t0, t2, 4f
    li a7, SBI_EXT_SRST
    li a6, 0
    li a0, 1                                    /* cold reboot */
    li a1, 0
    ecall
5:  wfi                                         /* the reset takes the guest away; nothing runs on */
    j 5b
4:  power_off_for_good

data_failed:
    fail FAIL_CHAOS_DATA
    power_off_for_good

    trap_handler unexpected
    .balign 8
boot:
    .quad 0
arrived:
    .quad 0, 0
