package dev.axvm.vm;

import dev.axvm.vcpu.ExitReason;

/**
 * Serves a guest's hypercalls for a {@link VcpuRunner}. The returned value goes back to the guest
 * as the call's result.
 */
@FunctionalInterface
public interface HypercallHandler {
    /** What unknown calls return: -ENOSYS, as Linux's hypercall ABIs do. */
    long NOT_SUPPORTED = -38;

    /** Answers every call with {@link #NOT_SUPPORTED}. */
    HypercallHandler NONE = (vm, vcpuId, call) -> NOT_SUPPORTED;

    /** Handles {@code call} from vCPU {@code vcpuId} of {@code vm}; returns the guest's result. */
    long handle(AxVM<?, ?> vm, int vcpuId, ExitReason.Hypercall call);
}
