package dev.axvm.kvm.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Builds method handles onto shim functions. Callers keep the result in a
 * {@code static final} field so that the JIT can inline the call.
 */
public final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();

    private Downcalls() {}

    /** A handle to the shim function {@code name} with the given C signature. */
    public static MethodHandle of(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = NativeLibrary.lookup().find(name)
                .orElseThrow(() -> new NativeLibrary.LoadFailure(
                        "the KVM shim for " + Platform.id() + " lacks " + name + " (a stale build?)", null));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** A handle for tiny non-blocking calls; never use it for anything that may block, such as KVM_RUN. */
    public static MethodHandle critical(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = NativeLibrary.lookup().find(name)
                .orElseThrow(() -> new NativeLibrary.LoadFailure(
                        "the KVM shim for " + Platform.id() + " lacks " + name + " (a stale build?)", null));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.critical(false));
    }

    /**
     * Rethrows what a downcall's {@code invokeExact} declared. A downcall handle never throws a
     * checked exception, so anything reaching here is an Error or a RuntimeException.
     */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
