package dev.axvm.bench;

import java.util.List;

/** The registry of benchmark sets; each set's definition sits beside its JMH classes. */
final class Benches {
    private Benches() {}

    static final List<BenchDefinition> ALL = List.of(
            dev.axvm.bench.npt.NptBench.DEFINITION,
            dev.axvm.bench.dispatch.DispatchBench.DEFINITION,
            dev.axvm.bench.exit.PioExitBench.DEFINITION,
            dev.axvm.bench.exit.MmioExitBench.DEFINITION,
            dev.axvm.bench.vm.VmLifecycleBench.DEFINITION,
            dev.axvm.bench.vm.VmRateBench.DEFINITION,
            dev.axvm.bench.vm.VmMemoryProbe.DEFINITION,
            dev.axvm.bench.vm.SnapshotProbe.DEFINITION);
}
