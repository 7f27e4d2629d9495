package dev.axvm.vcpu.riscv.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.kvm.internal.Downcalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The riscv64 shim functions (axvm_riscv.h). Each returns the shim's int: a result when
 * {@code >= 0}, {@code -errno} otherwise. Only loadable on a riscv64 host: the handles are bound
 * when this class initialises.
 */
public final class RiscvShim {
    /** Registers the shim knows (enum axvm_riscv_reg). */
    public static final int REG_COUNT = 42;
    /** KVM_MP_STATE_STOPPED. */
    public static final int MP_STATE_STOPPED = 5;
    /** SBI extension index of SRST (system reset). */
    public static final int SBI_EXT_SRST = 4;
    /** SBI extension index of HSM (hart state management). */
    public static final int SBI_EXT_HSM = 5;
    /** SBI extension index of DBCN (debug console). */
    public static final int SBI_EXT_DBCN = 9;

    private static final MethodHandle GET_REG = Downcalls.of("axvm_riscv_get_reg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SET_REG = Downcalls.of("axvm_riscv_set_reg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle GET_REGS = Downcalls.of("axvm_riscv_get_regs",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SBI_EXT_SET = Downcalls.of("axvm_riscv_sbi_ext_set",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SBI_EXT_GET = Downcalls.of("axvm_riscv_sbi_ext_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle EXTERNAL_IRQ = Downcalls.of("axvm_riscv_external_irq",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle AIA_AVAILABLE = Downcalls.of("axvm_riscv_aia_available",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle ISA_STRING = Downcalls.of("axvm_riscv_isa_string",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SATP_MODE = Downcalls.of("axvm_riscv_satp_mode",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle TIMEBASE = Downcalls.of("axvm_riscv_timebase",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private RiscvShim() {}

    public static int getReg(int vcpu, int reg, MemorySegment value) {
        try {
            return (int) GET_REG.invokeExact(vcpu, reg, value);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setReg(int vcpu, int reg, long value) {
        try {
            return (int) SET_REG.invokeExact(vcpu, reg, value);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getRegs(int vcpu, int first, int count, MemorySegment values) {
        try {
            return (int) GET_REGS.invokeExact(vcpu, first, count, values);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int sbiExtSet(int vcpu, int ext, boolean enabled) {
        try {
            return (int) SBI_EXT_SET.invokeExact(vcpu, ext, enabled ? 1 : 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int sbiExtGet(int vcpu, int ext) {
        try {
            return (int) SBI_EXT_GET.invokeExact(vcpu, ext);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int externalIrq(int vcpu, boolean level) {
        try {
            return (int) EXTERNAL_IRQ.invokeExact(vcpu, level ? 1 : 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int aiaAvailable(int vm) {
        try {
            return (int) AIA_AVAILABLE.invokeExact(vm);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The vCPU's ISA string into {@code buffer} (NUL-terminated): its length, or -errno. */
    public static int isaString(int vcpu, MemorySegment buffer) {
        try {
            return (int) ISA_STRING.invokeExact(vcpu, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The satp mode KVM gives the guest (8 sv39, 9 sv48, 10 sv57), or -errno. */
    public static int satpMode(int vcpu) {
        try {
            return (int) SATP_MODE.invokeExact(vcpu);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The timer's frequency in Hz into {@code hz} (one u64), or -errno. */
    public static int timebase(int vcpu, MemorySegment hz) {
        try {
            return (int) TIMEBASE.invokeExact(vcpu, hz);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
