package dev.axvm.addrspace.npt;

import dev.axvm.addrspace.MappingFlags;

/**
 * The nested page-table formats AxVM encodes. Each is a radix tree of 4 KiB tables of 512
 * little-endian 64-bit entries, except the root, which holds {@link #rootEntries()} entries in
 * {@link #rootFrames()} contiguous frames aligned to their size.
 *
 * <p>What each format encodes (bit numbers of the 64-bit entry):
 * <ul>
 *   <li>{@link #EPT} (Intel SDM vol. 3C, "EPT Translation Mechanism"): bits 0/1/2 read, write,
 *       execute; leaves add bits 5:3 memory type (6 write-back for RAM, 0 uncacheable for DEVICE,
 *       1 write-combining for UNCACHED), bit 6 ignore-PAT (always set, so the EPT type wins) and,
 *       for 2 MiB and 1 GiB leaves, bit 7; bits 51:12 the address. Non-leaf entries carry
 *       read/write/execute all set so that the leaf alone decides. EPTP = root | 3 &lt;&lt; 3
 *       (four-level walk) | 6 (write-back paging structures), A/D flags off.</li>
 *   <li>{@link #AARCH64_S2_3L} and {@link #AARCH64_S2_4L} (Arm ARM, VMSAv8-64 stage 2, 4 KiB
 *       granule): bits 1:0 0b11 table or page, 0b01 block; bits 5:2 MemAttr (0b1111 normal
 *       write-back, 0b0001 Device-nGnRE, 0b0101 normal non-cacheable); bits 7:6 S2AP (bit 6
 *       read, bit 7 write); bits 9:8 SH = 0b11 inner shareable; bit 10 AF = 1; bit 54 XN when not
 *       executable; bits 47:12 the address. Table descriptors are the address | 0b11. VTTBR_EL2 =
 *       root (VMID 0, CnP 0). The 40-bit format starts at level 1 with two concatenated tables
 *       (8 KiB root, VTCR_EL2.T0SZ = 24, SL0 = 1); the 48-bit one at level 0 (T0SZ = 16, SL0 = 2).</li>
 *   <li>{@link #SV39X4} and {@link #SV48X4} (RISC-V privileged spec, H extension, G-stage): bit 0
 *       V, bits 1/2/3 R/W/X, bit 4 U (set on every leaf: G-stage accesses are checked as user
 *       accesses), bit 6 A (set on every leaf), bit 7 D (set on writable leaves), bits 53:10 PPN;
 *       non-leaf entries are V alone. The root has 2048 entries in 16 KiB (the "x4" widening by
 *       two bits). Without Svpbmt the format has no memory-type bits (physical memory attributes
 *       decide), so DEVICE and UNCACHED are kept in the two software bits RSW (8 and 9), which the
 *       hardware ignores. hgatp = MODE (8 or 9) &lt;&lt; 60 | VMID 0 | root &gt;&gt; 12.</li>
 * </ul>
 */
public enum PageTableFormat {
    /** x86 extended page tables: 4 levels, 48-bit guest-physical addresses. */
    EPT(4, 48, 52, "EPTP"),
    /** AArch64 stage 2, 4 KiB granule, 3 levels from level 1: 40-bit intermediate physical addresses. */
    AARCH64_S2_3L(3, 40, 48, "VTTBR_EL2"),
    /** AArch64 stage 2, 4 KiB granule, 4 levels from level 0: 48-bit intermediate physical addresses. */
    AARCH64_S2_4L(4, 48, 48, "VTTBR_EL2"),
    /** RISC-V Sv39x4 G-stage: 3 levels, 41-bit guest-physical addresses. */
    SV39X4(3, 41, 56, "hgatp"),
    /** RISC-V Sv48x4 G-stage: 4 levels, 50-bit guest-physical addresses. */
    SV48X4(4, 50, 56, "hgatp");

    private final int levels;
    private final int inputBits;
    private final int outputBits;
    private final String rootRegisterName;

    PageTableFormat(int levels, int inputBits, int outputBits, String rootRegisterName) {
        this.levels = levels;
        this.inputBits = inputBits;
        this.outputBits = outputBits;
        this.rootRegisterName = rootRegisterName;
    }

    /** Levels of tables, root included. */
    public int levels() {
        return levels;
    }

    /** Bits of guest-physical address the table translates. */
    public int inputBits() {
        return inputBits;
    }

    /** Bits of host-physical address an entry can hold. */
    public int outputBits() {
        return outputBits;
    }

    /** One past the highest guest-physical address: 2^{@link #inputBits()}. */
    public long gpaLimit() {
        return 1L << inputBits;
    }

    /** One past the highest host-physical address an entry can hold: 2^{@link #outputBits()}. */
    public long hpaLimit() {
        return 1L << outputBits;
    }

    /** Entries in the root table: 512, 1024 (AArch64 40-bit) or 2048 (RISC-V x4). */
    public int rootEntries() {
        return 1 << (inputBits - 12 - 9 * (levels - 1));
    }

    /** 4 KiB frames the root table occupies (and its alignment, in frames). */
    public int rootFrames() {
        return rootEntries() / 512;
    }

    /** The register that {@link NestedPageTable#rootRegister()} is a value for. */
    public String rootRegisterName() {
        return rootRegisterName;
    }

    /**
     * The flags a leaf entry of this format records for a mapping asked for with
     * {@code requested}, which is also what {@link NestedPageTable#query} returns: USER is dropped
     * (it has no second-stage meaning), and DEVICE takes precedence over UNCACHED.
     *
     * @throws IllegalArgumentException when the format cannot express the permissions: none of
     *     READ, WRITE, EXECUTE (no format has a present entry without access), or, on EPT and
     *     RISC-V, WRITE without READ (an EPT misconfiguration; a reserved RISC-V encoding)
     */
    public MappingFlags encodedFlags(MappingFlags requested) {
        int bits = requested.bits();
        int access = MappingFlags.READ_BIT | MappingFlags.WRITE_BIT | MappingFlags.EXECUTE_BIT;
        if ((bits & access) == 0) {
            throw new IllegalArgumentException(this + " cannot map with flags " + requested
                    + ": a present entry needs READ, WRITE or EXECUTE (unmap instead)");
        }
        boolean writeOnlyForbidden = this != AARCH64_S2_3L && this != AARCH64_S2_4L;
        if (writeOnlyForbidden && (bits & MappingFlags.WRITE_BIT) != 0 && (bits & MappingFlags.READ_BIT) == 0) {
            throw new IllegalArgumentException(this + " cannot map with flags " + requested
                    + ": WRITE without READ is " + (this == EPT ? "an EPT misconfiguration" : "a reserved PTE encoding"));
        }
        bits &= ~MappingFlags.USER_BIT;
        if ((bits & MappingFlags.DEVICE_BIT) != 0) {
            bits &= ~MappingFlags.UNCACHED_BIT;
        }
        return MappingFlags.of(bits);
    }
}
