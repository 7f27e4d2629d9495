/*
 * 64-bit, two vCPUs that never stop on their own, for lifecycle tests (pause, resume, reboot,
 * close while they run). vCPU 0 starts vCPU 1 with AxVM's platform call CPU_ON; then each counts
 * its loops in guest memory (vCPU n at COUNTERS + 8n) and reports its number with one 32-bit OUT
 * to REPORT_PORT per loop, so a test sees from memory and from a port device whether each runs.
 */
#include "conventions.h"
#define PLATFORM_PORT 0xe6
#define COUNTERS 0x20000               /* above the image, clear of the entry scratch (0x1000-0x8000) */
    .code64
    .globl _start
_start:
    xor %eax, %eax                 /* CPU_ON vCPU 1 at secondary, argument 1 */
    mov $1, %rdi
    lea secondary(%rip), %rsi
    mov $1, %rdx
    out %al, $PLATFORM_PORT
    xor %edi, %edi
    jmp count

secondary:                         /* RDI = the CPU_ON argument: this vCPU's number */
count:
    lea COUNTERS(,%rdi,8), %rbx
    mov $REPORT_PORT, %dx
1:  incq (%rbx)
    mov %edi, %eax
    out %eax, %dx
    jmp 1b
