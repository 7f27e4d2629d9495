package dev.axvm.bench.exit;

import dev.axvm.bench.BenchDefinition;
import dev.axvm.kvm.KvmExit;
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

/**
 * One port-I/O exit round trip: the guest's {@code out}, KVM_RUN returning, the Java handler, and
 * re-entry. {@code pioExit} goes through the vCPU's device-handler loop (what a VM does);
 * {@code pioExitBinding} through the bare KVM binding.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PioExitBench {
    /** bin/bench pio-exit. */
    public static final BenchDefinition DEFINITION = new BenchDefinition("pio-exit",
            "port-I/O exit round trip, Java vCPU loop vs C (goal <= 1.05x C, 0 B/op)", "exit\\.PioExitBench\\.", true,
            List.of("exit-loop", "${root}/native/target/guests-classes/guests/x86_64/pio-loop.bin", "pio", "5"),
            List.of("pio_exit", "c_pio_exit"));

    private static final int BATCH = 1000;
    private LoopGuest guest;
    private ResetVectorLoop binding;

    @Setup(Level.Trial)
    public void setUp() {
        guest = new LoopGuest("pio-loop");
        binding = new ResetVectorLoop("pio-loop");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        guest.close();
        binding.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public ExitReason pioExit() {
        guest.devices.remaining = BATCH;
        return guest.vcpu.run(guest.devices);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long pioExitBinding() {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            KvmExit e = binding.vcpu.run();
            sum += e.data();
        }
        return sum;
    }
}
