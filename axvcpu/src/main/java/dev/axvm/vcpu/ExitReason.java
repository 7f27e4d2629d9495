package dev.axvm.vcpu;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.Port;
import dev.axvm.addrspace.SysRegAddr;

/**
 * Why a vCPU stopped running guest code: every variant of AxVisor's {@code AxVCpuExitReason}.
 * Handle it with a pattern-matching {@code switch}; the compiler checks that every case is covered.
 */
public sealed interface ExitReason {

    /**
     * The guest made a hypercall (x86 VMCALL/VMMCALL, Arm HVC, RISC-V ecall to AxVisor's extension).
     * Answer with {@link AxArchVCpu#setReturnValue(long)}.
     *
     * @param nr the call number
     * @param arg0 first argument; {@code arg1..arg5} follow
     */
    record Hypercall(long nr, long arg0, long arg1, long arg2, long arg3, long arg4, long arg5) implements ExitReason {
        /** Argument {@code i} (0..5). */
        public long arg(int i) {
            return switch (i) {
                case 0 -> arg0;
                case 1 -> arg1;
                case 2 -> arg2;
                case 3 -> arg3;
                case 4 -> arg4;
                case 5 -> arg5;
                default -> throw new IndexOutOfBoundsException("hypercall argument " + i + " (0..5)");
            };
        }

        /** The six arguments, in order. */
        public long[] args() {
            return new long[] {arg0, arg1, arg2, arg3, arg4, arg5};
        }
    }

    /**
     * A load from an MMIO address. Answer with {@link AxArchVCpu#completeRead(long)}.
     *
     * @param addr the guest-physical address
     * @param width the access width
     * @param reg the destination register where the architecture reports it (-1 when the backend
     *     completes the instruction itself, as KVM does)
     * @param regWidth the width of the destination register
     * @param signExtend whether the loaded value is sign-extended into the register
     */
    record MmioRead(GuestPhysAddr addr, AccessWidth width, int reg, AccessWidth regWidth, boolean signExtend)
            implements ExitReason {}

    /** A store to an MMIO address. */
    record MmioWrite(GuestPhysAddr addr, AccessWidth width, long data) implements ExitReason {}

    /** A read of a trapped system register (MSR, CSR, AArch64 sysreg). Answer with {@link AxArchVCpu#completeRead(long)}. */
    record SysRegRead(SysRegAddr addr, int reg) implements ExitReason {}

    /** A write of a trapped system register. */
    record SysRegWrite(SysRegAddr addr, long value) implements ExitReason {}

    /** A port input (x86). Answer with {@link AxArchVCpu#completeRead(long)}. */
    record IoRead(Port port, AccessWidth width) implements ExitReason {}

    /** A port output (x86). */
    record IoWrite(Port port, AccessWidth width, long data) implements ExitReason {}

    /** A host interrupt arrived while the guest ran. */
    record ExternalInterrupt(long vector) implements ExitReason {}

    /** The nested page table did not allow an access. */
    record NestedPageFault(GuestPhysAddr addr, MappingFlags accessFlags) implements ExitReason {}

    /** The guest halted (x86 HLT, Arm WFI, RISC-V WFI where they exit). */
    record Halt() implements ExitReason {
        /** The one instance. */
        public static final Halt INSTANCE = new Halt();
    }

    /**
     * The guest asks to start another vCPU (PSCI CPU_ON, SBI HSM hart_start, x86 INIT-SIPI).
     *
     * @param targetCpu the target's architectural id (MPIDR, hart id, APIC id)
     * @param entryPoint where it starts
     * @param arg the value it receives (context id, opaque)
     */
    record CpuUp(long targetCpu, GuestPhysAddr entryPoint, long arg) implements ExitReason {}

    /** The vCPU turns itself off (PSCI CPU_OFF, SBI HSM hart_stop). */
    record CpuDown(long state) implements ExitReason {}

    /** The guest asks to stop the whole system, or the vCPU cannot continue. */
    record SystemDown(Reason reason) implements ExitReason {
        private static final SystemDown[] BY_REASON = {new SystemDown(Reason.POWER_OFF), new SystemDown(Reason.RESET),
            new SystemDown(Reason.CRASH)};

        /** The shared instance for {@code reason} (no allocation on the exit path). */
        public static SystemDown of(Reason reason) {
            return BY_REASON[reason.ordinal()];
        }

        /** Why the system goes down. */
        public enum Reason {
            /** An orderly power-off (PSCI SYSTEM_OFF, SBI SRST shutdown, port 0x604 write of 0x2000). */
            POWER_OFF,
            /** A reset/reboot request. */
            RESET,
            /** The guest crashed in a way the architecture reports (x86 triple fault, KVM crash event). */
            CRASH
        }
    }

    /** Nothing for the caller: the vCPU returned early (a kick, an interrupt window); run it again. */
    record Nothing() implements ExitReason {
        /** The one instance. */
        public static final Nothing INSTANCE = new Nothing();
    }

    /** The hardware refused to enter the guest; the reason is the hardware's code. */
    record FailEntry(long hardwareEntryFailureReason) implements ExitReason {}

    /**
     * The guest sends an inter-processor interrupt that the backend leaves to the VM.
     *
     * @param targetCpu the target (architectural id)
     * @param targetCpuAux auxiliary target information (Arm: the affinity-level target list)
     * @param sendToAll broadcast to every vCPU but the sender
     * @param sendToSelf send to the sender only
     * @param vector the interrupt vector or SGI number
     */
    record SendIpi(long targetCpu, long targetCpuAux, boolean sendToAll, boolean sendToSelf, long vector)
            implements ExitReason {}
}
