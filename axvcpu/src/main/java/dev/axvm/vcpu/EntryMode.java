package dev.axvm.vcpu;

/**
 * The processor mode a vCPU starts in. Only x86 has a choice; the other architectures accept
 * {@link #DEFAULT} (EL1h on aarch64, S-mode on riscv64).
 */
public enum EntryMode {
    /** The architecture's default boot state (x86: 16-bit real mode, as AxVisor's x86 guests expect). */
    DEFAULT,
    /** x86 16-bit real mode with CS:IP pointing at the entry. */
    REAL,
    /** x86 32-bit flat protected mode, paging off. */
    PROTECTED,
    /** x86 64-bit long mode with identity-mapped page tables built in guest memory. */
    LONG
}
