package dev.axvm.vcpu;

import dev.axvm.addrspace.GuestMemory;
import java.util.Objects;

/**
 * The initial state asked of a vCPU at setup.
 *
 * @param mode the processor mode to start in
 * @param bootArgument the architecture's boot register: Arm x0 and RISC-V a1 (the DTB address),
 *     x86 RSI (the Linux zero page); 0 when unused
 * @param memory the guest's RAM, for backends that build boot structures in it (x86 long-mode page tables)
 * @param scratchGpa where such structures may go (20 KiB of RAM reserved by the VM); 0 for the backend's default
 */
public record VCpuSetupConfig(EntryMode mode, long bootArgument, GuestMemory memory, long scratchGpa) {
    /** Checks the fields. */
    public VCpuSetupConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(memory, "memory");
    }
}
