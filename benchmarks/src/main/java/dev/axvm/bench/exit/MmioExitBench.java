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

/**
 * One MMIO exit round trip (the guest's store, KVM's decode, the Java handler, re-entry), two ways:
 * {@code mmioExitVm} the path a VM takes ({@code AxVM.runVcpu} → the vCPU's device handler → the VM's
 * device table → the device), against the C baseline doing the same device work
 * ({@code c_mmio_exit_vm}: the owner found among sorted ranges, its handler called); and
 * {@code mmioExit} the vCPU's device-handler loop alone, against the bare C loop ({@code c_mmio_exit}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MmioExitBench {
    /** bin/bench mmio-exit. */
    public static final BenchDefinition DEFINITION = new BenchDefinition("mmio-exit",
            "MMIO exit round trip through a VM (runVcpu, device dispatch) and the vCPU loop, vs C doing the same (goal <= 1.05x C, 0 B/op)", "exit\\.MmioExitBench\\.", true,
            List.of("exit-loop", "${root}/native/target/guests-classes/guests/x86_64/mmio-loop.bin", "mmio", "5",
                    "${root}/native/target/guests-classes/guests/x86_64/mmio-batch.bin", "8"),
            List.of("mmio_exit", "c_mmio_exit", "mmio_exit_vm", "c_mmio_exit_vm"));

    private static final int BATCH = 1000;
    private LoopGuest guest;
    private VmLoopGuest vmGuest;

    @Setup(Level.Trial)
    public void setUp() {
        guest = new LoopGuest("mmio-loop");
        vmGuest = new VmLoopGuest("mmio-batch", false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        guest.close();
        vmGuest.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public ExitReason mmioExit() {
        guest.devices.remaining = BATCH;
        return guest.vcpu.run(guest.devices);
    }

    /** The path a VM takes: runVcpu, the VM's device handler and device table, the device; one batch per call. */
    @Benchmark
    @OperationsPerInvocation(VmLoopGuest.BATCH)
    public ExitReason mmioExitVm() {
        return vmGuest.vm.runVcpu(0);
    }
}
