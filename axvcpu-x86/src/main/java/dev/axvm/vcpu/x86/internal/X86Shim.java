package dev.axvm.vcpu.x86.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.kvm.internal.Downcalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The x86_64 shim functions (axvm_x86.h). Each returns the shim's int: a result when {@code >= 0},
 * {@code -errno} otherwise.
 */
public final class X86Shim {
    /** Words of the general-register block (axvm_x86_reg order). */
    public static final int REGS_WORDS = 18;
    /** Words of the special-register block. */
    public static final int SREGS_WORDS = 8 * 3 + 4 + 7;
    /** 32-bit words per CPUID entry. */
    public static final int CPUID_WORDS = 7;

    private static final MethodHandle GET_REGS = Downcalls.of("axvm_x86_get_regs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SET_REGS = Downcalls.of("axvm_x86_set_regs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GET_SREGS = Downcalls.of("axvm_x86_get_sregs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SET_SREGS = Downcalls.of("axvm_x86_set_sregs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SUPPORTED_CPUID = Downcalls.of("axvm_x86_supported_cpuid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SET_CPUID = Downcalls.of("axvm_x86_set_cpuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GET_MSR = Downcalls.of("axvm_x86_get_msr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SET_MSR = Downcalls.of("axvm_x86_set_msr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle INTERRUPT = Downcalls.of("axvm_x86_interrupt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IRQ_WINDOW = Downcalls.critical("axvm_x86_request_irq_window",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    private static final MethodHandle CREATE_IRQCHIP = Downcalls.of("axvm_x86_create_irqchip", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CREATE_PIT2 = Downcalls.of("axvm_x86_create_pit2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SET_TSS_ADDR = Downcalls.of("axvm_x86_set_tss_addr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle SET_IDENTITY_MAP = Downcalls.of("axvm_x86_set_identity_map_addr",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle SIGNAL_MSI = Downcalls.of("axvm_x86_signal_msi", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));

    private static final MethodHandle MSR_INDEX_LIST = Downcalls.of("axvm_x86_msr_index_list",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GET_MSRS = Downcalls.of("axvm_x86_get_msrs",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SET_MSRS = Downcalls.of("axvm_x86_set_msrs",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle VCPU_PART_SIZE = Downcalls.of("axvm_x86_vcpu_part_size", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GET_VCPU_PART = Downcalls.of("axvm_x86_get_vcpu_part",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SET_VCPU_PART = Downcalls.of("axvm_x86_set_vcpu_part",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle VM_PART_SIZE = Downcalls.of("axvm_x86_vm_part_size", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GET_VM_PART = Downcalls.of("axvm_x86_get_vm_part",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SET_VM_PART = Downcalls.of("axvm_x86_set_vm_part",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GET_CLOCK = Downcalls.of("axvm_x86_get_clock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SET_CLOCK = Downcalls.of("axvm_x86_set_clock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));

    private X86Shim() {}

    public static int getRegs(int vcpu, MemorySegment words) {
        try {
            return (int) GET_REGS.invokeExact(vcpu, words);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setRegs(int vcpu, MemorySegment words) {
        try {
            return (int) SET_REGS.invokeExact(vcpu, words);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getSregs(int vcpu, MemorySegment words) {
        try {
            return (int) GET_SREGS.invokeExact(vcpu, words);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setSregs(int vcpu, MemorySegment words) {
        try {
            return (int) SET_SREGS.invokeExact(vcpu, words);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int supportedCpuid(int kvm, MemorySegment words, int maxEntries) {
        try {
            return (int) SUPPORTED_CPUID.invokeExact(kvm, words, maxEntries);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setCpuid(int vcpu, MemorySegment words, int entries) {
        try {
            return (int) SET_CPUID.invokeExact(vcpu, words, entries);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getMsr(int vcpu, int index, MemorySegment value) {
        try {
            return (int) GET_MSR.invokeExact(vcpu, index, value);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setMsr(int vcpu, int index, long value) {
        try {
            return (int) SET_MSR.invokeExact(vcpu, index, value);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int interrupt(int vcpu, int vector) {
        try {
            return (int) INTERRUPT.invokeExact(vcpu, vector);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static void requestInterruptWindow(MemorySegment runArea, boolean on) {
        try {
            IRQ_WINDOW.invokeExact(runArea, on ? 1 : 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int createIrqchip(int vm) {
        try {
            return (int) CREATE_IRQCHIP.invokeExact(vm);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int createPit2(int vm) {
        try {
            return (int) CREATE_PIT2.invokeExact(vm);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setTssAddr(int vm, long addr) {
        try {
            return (int) SET_TSS_ADDR.invokeExact(vm, addr);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setIdentityMapAddr(int vm, long addr) {
        try {
            return (int) SET_IDENTITY_MAP.invokeExact(vm, addr);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int signalMsi(int vm, long address, int data) {
        try {
            return (int) SIGNAL_MSI.invokeExact(vm, address, data);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int msrIndexList(int kvm, MemorySegment indices, int max) {
        try {
            return (int) MSR_INDEX_LIST.invokeExact(kvm, indices, max);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getMsrs(int vcpu, MemorySegment indices, MemorySegment values, int n) {
        try {
            return (int) GET_MSRS.invokeExact(vcpu, indices, values, n);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setMsrs(int vcpu, MemorySegment indices, MemorySegment values, int n) {
        try {
            return (int) SET_MSRS.invokeExact(vcpu, indices, values, n);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int vcpuPartSize(int part) {
        try {
            return (int) VCPU_PART_SIZE.invokeExact(part);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getVcpuPart(int vcpu, int part, MemorySegment buf) {
        try {
            return (int) GET_VCPU_PART.invokeExact(vcpu, part, buf);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setVcpuPart(int vcpu, int part, MemorySegment buf) {
        try {
            return (int) SET_VCPU_PART.invokeExact(vcpu, part, buf);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int vmPartSize(int part) {
        try {
            return (int) VM_PART_SIZE.invokeExact(part);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getVmPart(int vm, int part, MemorySegment buf) {
        try {
            return (int) GET_VM_PART.invokeExact(vm, part, buf);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setVmPart(int vm, int part, MemorySegment buf) {
        try {
            return (int) SET_VM_PART.invokeExact(vm, part, buf);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getClock(int vm, MemorySegment ns) {
        try {
            return (int) GET_CLOCK.invokeExact(vm, ns);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setClock(int vm, long ns) {
        try {
            return (int) SET_CLOCK.invokeExact(vm, ns);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
