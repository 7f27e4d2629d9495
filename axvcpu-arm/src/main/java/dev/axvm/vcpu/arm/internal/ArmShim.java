package dev.axvm.vcpu.arm.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.kvm.internal.Downcalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The aarch64 shim functions (axvm_arm64.h). Each returns the shim's int: a result when
 * {@code >= 0}, {@code -errno} otherwise. Only loadable on an aarch64 host: the handles are bound
 * when this class initialises.
 */
public final class ArmShim {
    /** Registers the shim knows (enum axvm_arm64_reg). */
    public static final int REG_COUNT = 48;
    /** axvm_arm64_vcpu_init: start powered off. */
    public static final int INIT_POWER_OFF = 1;
    /** KVM_ARM_IRQ_TYPE_SPI. */
    public static final int IRQ_SPI = 1;
    /** KVM_ARM_IRQ_TYPE_PPI. */
    public static final int IRQ_PPI = 2;
    /** KVM_MP_STATE_RUNNABLE. */
    public static final int MP_STATE_RUNNABLE = 0;
    /** KVM_MP_STATE_STOPPED. */
    public static final int MP_STATE_STOPPED = 5;

    private static final MethodHandle GET_REG = Downcalls.of("axvm_arm64_get_reg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SET_REG = Downcalls.of("axvm_arm64_set_reg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle GET_REGS = Downcalls.of("axvm_arm64_get_regs",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle REG_ID = Downcalls.of("axvm_arm64_reg_id",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle VCPU_INIT = Downcalls.of("axvm_arm64_vcpu_init",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle VGIC_CREATE = Downcalls.of("axvm_arm64_vgic_v3_create",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle VGIC_INIT = Downcalls.of("axvm_arm64_vgic_v3_init",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IRQ_LINE = Downcalls.of("axvm_arm64_irq_line",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle VGIC_STATE_WORDS = Downcalls.of("axvm_arm64_vgic_state_words",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle VGIC_SAVE = Downcalls.of("axvm_arm64_vgic_save",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle VGIC_RESTORE = Downcalls.of("axvm_arm64_vgic_restore",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SMCCC_FILTER = Downcalls.of("axvm_arm64_smccc_filter_available",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SMCCC_FORWARD = Downcalls.of("axvm_arm64_smccc_forward",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    private ArmShim() {}

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

    public static int regId(int reg, MemorySegment id) {
        try {
            return (int) REG_ID.invokeExact(reg, id);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int vcpuInit(int vm, int vcpu, int flags) {
        try {
            return (int) VCPU_INIT.invokeExact(vm, vcpu, flags);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int vgicCreate(int vm, long distributor, long redistributor, int nrIrqs) {
        try {
            return (int) VGIC_CREATE.invokeExact(vm, distributor, redistributor, nrIrqs);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int vgicInit(int device) {
        try {
            return (int) VGIC_INIT.invokeExact(device);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int irqLine(int vm, int type, int vcpuIndex, int number, int level) {
        try {
            return (int) IRQ_LINE.invokeExact(vm, type, vcpuIndex, number, level);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** How many 64-bit words the state of a vGIC of {@code nrIrqs} interrupts and {@code vcpus} vCPUs has. */
    public static int vgicStateWords(int nrIrqs, int vcpus) {
        try {
            return (int) VGIC_STATE_WORDS.invokeExact(nrIrqs, vcpus);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Reads the vGIC's state into {@code words}; {@code mpidrs} holds each vCPU's MPIDR. */
    public static int vgicSave(int device, int nrIrqs, int vcpus, MemorySegment mpidrs, MemorySegment words) {
        try {
            return (int) VGIC_SAVE.invokeExact(device, nrIrqs, vcpus, mpidrs, words);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Writes {@link #vgicSave}'s words back into an initialised vGIC of the same shape. */
    public static int vgicRestore(int device, int nrIrqs, int vcpus, MemorySegment mpidrs, MemorySegment words) {
        try {
            return (int) VGIC_RESTORE.invokeExact(device, nrIrqs, vcpus, mpidrs, words);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int smcccFilterAvailable(int vm) {
        try {
            return (int) SMCCC_FILTER.invokeExact(vm);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int smcccForward(int vm, int base, int count) {
        try {
            return (int) SMCCC_FORWARD.invokeExact(vm, base, count);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
