package dev.axvm.bench.vm;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.bench.BenchDefinition;
import dev.axvm.config.AxVMConfig;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.HypercallHandler;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VcpuRunner;
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
 * VMs per second on one core: create (1 vCPU, 64 MiB, long mode), run until the guest has printed
 * its greeting through the 16550 and powered off, close — one after another on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VmRateBench {
    /** bin/bench vm-rate. */
    public static final BenchDefinition DEFINITION = new BenchDefinition("vm-rate",
            "VMs created, run to power-off and closed per second on one core (goal >= 50)", "vm\\.VmRateBench\\.",
            false, List.of(), List.of());

    private LinuxHostHal hal;
    private AxVMConfig config;
    private byte[] image;

    @Setup(Level.Trial)
    public void setUp() {
        hal = new LinuxHostHal(1L << 30);
        config = BenchGuests.longMode("hello-long");
        image = BenchGuests.image("hello-long");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hal.close();
    }

    @Benchmark
    public StopCause vmRate() {
        try (AxVM<LinuxHostHal, ?> vm = AxVM.builder(config, hal).image("hello-long", image).build()) {
            vm.boot();
            new VcpuRunner(vm, 0, HypercallHandler.NONE, false).run();
            if (vm.stopCause().kind() != StopCause.Kind.POWER_OFF) {
                throw new IllegalStateException("the guest stopped with " + vm.stopCause());
            }
            return vm.stopCause();
        }
    }
}
