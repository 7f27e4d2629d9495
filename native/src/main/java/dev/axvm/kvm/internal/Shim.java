package dev.axvm.kvm.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.axvm.kvm.KvmException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The architecture-neutral shim functions. Every call returns the shim's int: a result when
 * {@code >= 0}, {@code -errno} otherwise; {@link #check} turns the latter into a {@link KvmException}.
 */
public final class Shim {
    /** The ABI version this Java code was written against; see AXVM_ABI_VERSION in axvm.h. */
    public static final int ABI_VERSION = 5;

    private static final MethodHandle ABI = Downcalls.critical("axvm_abi_version", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle EXIT_WORDS = Downcalls.critical("axvm_exit_words", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle ERRNO_NAME = Downcalls.critical("axvm_errno_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle ERRNO_TEXT = Downcalls.critical("axvm_errno_text", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN = Downcalls.of("axvm_open", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle CLOSE = Downcalls.of("axvm_close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle API_VERSION = Downcalls.of("axvm_kvm_api_version", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CHECK_CAP = Downcalls.of("axvm_kvm_check_cap", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MMAP_SIZE = Downcalls.of("axvm_kvm_vcpu_mmap_size", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CREATE_VM = Downcalls.of("axvm_kvm_create_vm", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle SET_MEMORY = Downcalls.of("axvm_vm_set_memory",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CREATE_VCPU = Downcalls.of("axvm_vm_create_vcpu", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle IRQ_LINE = Downcalls.of("axvm_vm_irq_line", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle REG_LIST = Downcalls.of("axvm_reg_list", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ONE_REG_SIZE = Downcalls.of("axvm_one_reg_size", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle GET_ONE_REG = Downcalls.of("axvm_get_one_reg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SET_ONE_REG = Downcalls.of("axvm_set_one_reg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GET_MP_STATE = Downcalls.of("axvm_get_mp_state", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SET_MP_STATE = Downcalls.of("axvm_set_mp_state", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle DIRTY_LOG = Downcalls.of("axvm_vm_dirty_log", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle IOEVENTFD = Downcalls.of("axvm_vm_ioeventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD_CREATE = Downcalls.of("axvm_eventfd_create", FunctionDescriptor.of(JAVA_INT));
    // Blocks: never a critical downcall.
    private static final MethodHandle EVENTFD_WAIT = Downcalls.of("axvm_eventfd_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD_SIGNAL = Downcalls.of("axvm_eventfd_signal", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle MAP_RUN = Downcalls.of("axvm_vcpu_map_run", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle UNMAP_RUN = Downcalls.of("axvm_vcpu_unmap_run", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle RUN = Downcalls.of("axvm_vcpu_run", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MAP_ANONYMOUS = Downcalls.of("axvm_map_anonymous", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle DISCARD = Downcalls.of("axvm_discard", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MAP_FILE_PRIVATE = Downcalls.of("axvm_map_file_private",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle REMAP_ANONYMOUS = Downcalls.of("axvm_remap_anonymous", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle UNMAP = Downcalls.of("axvm_unmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CURRENT_CPU = Downcalls.critical("axvm_current_cpu", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle TERM_STATE_SIZE = Downcalls.critical("axvm_term_state_size", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle TERM_IS_TERMINAL = Downcalls.critical("axvm_term_is_terminal", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle TERM_SAVE = Downcalls.of("axvm_term_save", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle TERM_RESTORE = Downcalls.of("axvm_term_restore", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle TERM_MAKE_RAW = Downcalls.critical("axvm_term_make_raw",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle KICK_INSTALL = Downcalls.of("axvm_kick_install", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle THREAD_PREPARE = Downcalls.of("axvm_thread_prepare", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle KICK = Downcalls.of("axvm_vcpu_kick", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    /** Words in the exit record, as the loaded shim reports them (checked against {@link ExitRecord#WORDS}). */
    public static final int SHIM_EXIT_WORDS;
    /** The signal number the shim installed for kicks. */
    public static final int KICK_SIGNAL;

    static {
        try {
            int abi = (int) ABI.invokeExact();
            if (abi != ABI_VERSION) {
                throw new NativeLibrary.LoadFailure("the KVM shim for " + Platform.id() + " speaks ABI " + abi
                        + " but this Java code expects " + ABI_VERSION + " (mixed jars from different builds?)", null);
            }
            SHIM_EXIT_WORDS = (int) EXIT_WORDS.invokeExact();
            int sig = (int) KICK_INSTALL.invokeExact();
            if (sig < 0) {
                throw new NativeLibrary.LoadFailure("cannot install the vCPU kick signal handler: " + Errno.describe(-sig), null);
            }
            KICK_SIGNAL = sig;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private Shim() {}

    /** Returns {@code rc} when it is a result, or throws a {@link KvmException} naming {@code op}. */
    public static int check(int rc, String op) {
        if (rc < 0) {
            throw new KvmException(op, -rc);
        }
        return rc;
    }

    static String errnoName(int err) {
        try {
            return ((MemorySegment) ERRNO_NAME.invokeExact(err)).reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    static String errnoText(int err) {
        try {
            return ((MemorySegment) ERRNO_TEXT.invokeExact(err)).reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int open(String path) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) OPEN.invokeExact(arena.allocateFrom(path));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int apiVersion(int kvm) {
        try {
            return (int) API_VERSION.invokeExact(kvm);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int checkCap(int fd, int cap) {
        try {
            return (int) CHECK_CAP.invokeExact(fd, cap);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int vcpuMmapSize(int kvm) {
        try {
            return (int) MMAP_SIZE.invokeExact(kvm);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int createVm(int kvm, long type) {
        try {
            return (int) CREATE_VM.invokeExact(kvm, type);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setMemory(int vm, int slot, int flags, long gpa, long size, long hostAddress) {
        try {
            return (int) SET_MEMORY.invokeExact(vm, slot, flags, gpa, size, hostAddress);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int createVcpu(int vm, long id) {
        try {
            return (int) CREATE_VCPU.invokeExact(vm, id);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int irqLine(int vm, int irq, int level) {
        try {
            return (int) IRQ_LINE.invokeExact(vm, irq, level);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dirtyLog(int vm, int slot, MemorySegment bitmap) {
        try {
            return (int) DIRTY_LOG.invokeExact(vm, slot, bitmap);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int ioEventFd(int vm, long addr, int len, int fd, boolean deassign) {
        try {
            return (int) IOEVENTFD.invokeExact(vm, addr, len, fd, deassign ? 1 : 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int eventFdCreate() {
        try {
            return (int) EVENTFD_CREATE.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int eventFdWait(int fd) {
        try {
            return (int) EVENTFD_WAIT.invokeExact(fd);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int eventFdSignal(int fd) {
        try {
            return (int) EVENTFD_SIGNAL.invokeExact(fd);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int mapRun(int vcpu, long size, MemorySegment out) {
        try {
            return (int) MAP_RUN.invokeExact(vcpu, size, out);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int unmapRun(long address, long size) {
        try {
            return (int) UNMAP_RUN.invokeExact(address, size);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** KVM_RUN plus decoding into {@code record}; blocks while the guest runs. */
    public static int run(int vcpu, MemorySegment runArea, MemorySegment record) {
        try {
            return (int) RUN.invokeExact(vcpu, runArea, record);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int mapAnonymous(long size, MemorySegment out) {
        try {
            return (int) MAP_ANONYMOUS.invokeExact(size, out);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int mapFilePrivate(MemorySegment range, MemorySegment path, long offset) {
        try {
            return (int) MAP_FILE_PRIVATE.invokeExact(range, range.byteSize(), path, offset);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int remapAnonymous(MemorySegment range) {
        try {
            return (int) REMAP_ANONYMOUS.invokeExact(range, range.byteSize());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int discard(MemorySegment range) {
        try {
            return (int) DISCARD.invokeExact(range, range.byteSize());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int unmap(long address, long size) {
        try {
            return (int) UNMAP.invokeExact(address, size);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The CPU the calling thread runs on, or -errno. */
    public static int currentCpu() {
        try {
            return (int) CURRENT_CPU.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static long termStateSize() {
        try {
            return (long) TERM_STATE_SIZE.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int termIsTerminal(int fd) {
        try {
            return (int) TERM_IS_TERMINAL.invokeExact(fd);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int termSave(int fd, MemorySegment state) {
        try {
            return (int) TERM_SAVE.invokeExact(fd, state);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int termRestore(int fd, MemorySegment state) {
        try {
            return (int) TERM_RESTORE.invokeExact(fd, state);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int termMakeRaw(MemorySegment state, boolean keepOutputProcessing) {
        try {
            return (int) TERM_MAKE_RAW.invokeExact(state, keepOutputProcessing ? 1 : 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int threadPrepare() {
        try {
            return (int) THREAD_PREPARE.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int kick(MemorySegment runArea, int tid) {
        try {
            return (int) KICK.invokeExact(runArea, tid);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int regList(int vcpu, MemorySegment ids, int max) {
        try {
            return (int) REG_LIST.invokeExact(vcpu, ids, max);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int oneRegSize(long id) {
        try {
            return (int) ONE_REG_SIZE.invokeExact(id);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getOneReg(int vcpu, long id, MemorySegment buf) {
        try {
            return (int) GET_ONE_REG.invokeExact(vcpu, id, buf);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setOneReg(int vcpu, long id, MemorySegment buf) {
        try {
            return (int) SET_ONE_REG.invokeExact(vcpu, id, buf);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int getMpState(int vcpu) {
        try {
            return (int) GET_MP_STATE.invokeExact(vcpu);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int setMpState(int vcpu, int state) {
        try {
            return (int) SET_MP_STATE.invokeExact(vcpu, state);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
