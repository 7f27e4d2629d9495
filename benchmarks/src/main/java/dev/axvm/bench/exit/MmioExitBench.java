package dev.axvm.bench.exit;

import dev.axvm.bench.BenchDefinition;
import dev.axvm.vcpu.ExitReason;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** One MMIO exit round trip: the guest's store, KVM's decode, the Java handler, re-entry. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MmioExitBench {
    /** bin/bench mmio-exit. */
    public static final BenchDefinition DEFINITION = new BenchDefinition("mmio-exit",
            "MMIO exit round trip, Java vCPU loop vs C (goal <= 1.05x C, 0 B/op)", "exit\\.MmioExitBench\\.", true,
            List.of("exit-loop", "${root}/native/target/guests-classes/guests/x86_64/mmio-loop.bin", "mmio", "5"),
            List.of("mmio_exit", "c_mmio_exit"));

    private static final int BATCH = 1000;
    private LoopGuest guest;

    @Setup(Level.Trial)
    public void setUp() {
        guest = new LoopGuest("mmio-loop");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        guest.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public ExitReason mmioExit() {
        guest.devices.remaining = BATCH;
        return guest.vcpu.run(guest.devices);
    }
}
