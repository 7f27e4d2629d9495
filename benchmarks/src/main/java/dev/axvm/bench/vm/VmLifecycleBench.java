package dev.axvm.bench.vm;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.bench.BenchDefinition;
import dev.axvm.config.AxVMConfig;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vm.AxVM;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Create a VM (1 vCPU, 64 MiB, from a config), run it to its first exit (the guest's HLT), close
 * it — beside native/bench/vm-lifecycle.c making the same KVM calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VmLifecycleBench {
    /** bin/bench vm-lifecycle. */
    public static final BenchDefinition DEFINITION = new BenchDefinition("vm-lifecycle",
            "create a 1-vCPU 64 MiB VM, run to the first exit, close; Java vs C (goal <= 1.5x C)",
            "vm\\.VmLifecycleBench\\.", true,
            List.of("vm-lifecycle", "${root}/native/target/guests-classes/guests/x86_64/halt.bin", "5"),
            List.of("vm_lifecycle", "c_vm_lifecycle"));

    private LinuxHostHal hal;
    private AxVMConfig config;
    private byte[] image;

    @Setup(Level.Trial)
    public void setUp() {
        hal = new LinuxHostHal(1L << 30);
        config = BenchGuests.realMode("halt");
        image = BenchGuests.image("halt");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hal.close();
    }

    @Benchmark
    public ExitReason vmLifecycle() {
        try (AxVM<LinuxHostHal, ?> vm = AxVM.builder(config, hal).image("halt", image).build()) {
            vm.boot();
            ExitReason first = vm.runVcpu(0);
            if (!(first instanceof ExitReason.Halt)) {
                throw new IllegalStateException("first exit " + first + ", expected Halt");
            }
            return first;
        }
    }
}
