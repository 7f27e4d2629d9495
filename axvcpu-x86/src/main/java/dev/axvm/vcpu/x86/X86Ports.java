package dev.axvm.vcpu.x86;

/**
 * The port conventions AxVM's x86 guests use to talk to the hypervisor. KVM on x86 forwards
 * VMCALL/VMMCALL to user space only for its own KVM_HC_MAP_GPA_RANGE call, so AxVM turns OUTs to
 * two reserved ports into calls instead:
 *
 * <ul>
 *   <li><b>Hypercall</b> ({@link #HYPERCALL}, any width): number in RAX, arguments in RDI, RSI,
 *       RDX, RCX, R8, R9; the result comes back in RAX. Reported as {@code ExitReason.Hypercall}.
 *   <li><b>Platform call</b> ({@link #PLATFORM}, any width), x86's stand-in for Arm PSCI and RISC-V
 *       SBI HSM/SRST: function in RAX — {@link #CPU_ON} (RDI target APIC id, RSI entry, RDX
 *       argument, which the started vCPU finds in RDI), {@link #CPU_OFF}, {@link #SYSTEM_OFF},
 *       {@link #SYSTEM_RESET}. Unknown functions return -1 in RAX.
 *   <li><b>Power-off</b>: a write of {@link #POWER_OFF_VALUE} to {@link #POWER} (the QEMU/AxVisor
 *       convention) is {@code SystemDown(POWER_OFF)}.
 * </ul>
 */
public final class X86Ports {
    /** The hypercall port. */
    public static final int HYPERCALL = 0xe5;
    /** The platform-call port. */
    public static final int PLATFORM = 0xe6;
    /** The ACPI-style power port of QEMU's and AxVisor's convention. */
    public static final int POWER = 0x604;
    /** The value that powers off. */
    public static final int POWER_OFF_VALUE = 0x2000;

    /** Platform call: start another vCPU. */
    public static final long CPU_ON = 0;
    /** Platform call: stop the calling vCPU. */
    public static final long CPU_OFF = 1;
    /** Platform call: power the system off. */
    public static final long SYSTEM_OFF = 2;
    /** Platform call: reset the system. */
    public static final long SYSTEM_RESET = 3;

    private X86Ports() {}
}
