package dev.axvm.bench.npt;

import dev.axvm.bench.BenchDefinition;
import java.util.List;

/** {@code bin/bench npt}: nested page tables and address-space lookups (no C baseline: nothing in C does this work). */
public final class NptBench {
    private NptBench() {}

    /** The set's registration in {@code Benches}. */
    public static final BenchDefinition DEFINITION = new BenchDefinition("npt",
            "nested page tables: translate, map/unmap 1 GiB (4K/2M/1G), AddrSpace lookups",
            "dev\\.axvm\\.bench\\.npt\\..*", true, List.of(), List.of());
}
