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
 * One port-I/O exit round trip, three ways: {@code pioExitVm} the path a VM takes
 * ({@code AxVM.runVcpu} → the vCPU's device handler → the VM's device table → the device), against
 * the C baseline doing the same device work ({@code c_pio_exit_vm}: the owner found among sorted
 * ranges, its handler called); {@code pioExit} the vCPU's device-handler loop alone, and
 * {@code pioExitBinding} the bare KVM binding, against the bare C loop ({@code c_pio_exit}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PioExitBench {
    /** bin/bench pio-exit. */
    public static final BenchDefinition DEFINITION = new BenchDefinition("pio-exit",
            "port-I/O exit round trip through a VM (runVcpu, device dispatch) and the vCPU loop, vs C doing the same (goal <= 1.05x C, 0 B/op)", "exit\\.PioExitBench\\.", true,
            List.of("exit-loop", "${root}/native/target/guests-classes/guests/x86_64/pio-loop.bin", "pio", "5",
                    "${root}/native/target/guests-classes/guests/x86_64/pio-batch.bin", "8"),
            List.of("pio_exit", "c_pio_exit", "pio_exit_vm", "c_pio_exit_vm"));

    private static final int BATCH = 1000;
    private LoopGuest guest;
    private ResetVectorLoop binding;
    private VmLoopGuest vmGuest;

    @Setup(Level.Trial)
    public void setUp() {
        guest = new LoopGuest("pio-loop");
        binding = new ResetVectorLoop("pio-loop");
        vmGuest = new VmLoopGuest("pio-batch", true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        guest.close();
        binding.close();
        vmGuest.close();
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

    /** The path a VM takes: runVcpu, the VM's device handler and device table, the device; one batch per call. */
    @Benchmark
    @OperationsPerInvocation(VmLoopGuest.BATCH)
    public ExitReason pioExitVm() {
        return vmGuest.vm.runVcpu(0);
    }
}
