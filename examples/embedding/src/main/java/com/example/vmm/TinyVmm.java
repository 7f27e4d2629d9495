package com.example.vmm;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.device.uart.OutputStreamSerialSink;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.HypercallHandler;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VcpuRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tiny host VMM built on AxVM for Java, as an embedder writes one: it runs a VM from its TOML
 * config on this host's KVM, with the guest's console on standard output, until the guest stops.
 * The README's embedding snippet is the two tagged regions below (a test keeps them equal).
 */
public final class TinyVmm {
    private TinyVmm() {}

    /**
     * Runs the VM of {@code args[0]} (a vm.toml) and prints why it stopped.
     *
     * @param args the config file
     * @throws InterruptedException when interrupted while the guest runs
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: TinyVmm <vm.toml>");
            System.exit(2);
        }
        // tag::embed[]
        try (LinuxHostHal hal = new LinuxHostHal();
             AxVM<LinuxHostHal, ?> vm = AxVM.builder(AxVMConfigs.load(Path.of(args[0])).config(), hal)
                     .consoleOutput(new OutputStreamSerialSink(System.out, "stdout"))
                     .build()) {
            StopCause cause = TinyVmm.runToTheEnd(vm, Duration.ofHours(1));
            System.out.println(cause.detail());
        }
        // end::embed[]
    }

    /**
     * Boots {@code vm}, runs each vCPU on a platform thread of its own (a guest reset reboots the
     * VM), and waits until the guest stops it or {@code limit} passes (then the host shuts it down).
     *
     * @param vm a VM that was built and not booted
     * @param limit how long the guest may run
     * @return why the VM stopped
     * @throws InterruptedException when interrupted while waiting
     */
    // tag::run[]
    public static StopCause runToTheEnd(AxVM<?, ?> vm, Duration limit) throws InterruptedException {
        vm.boot();
        List<Thread> vcpus = new ArrayList<>();
        for (int i = 0; i < vm.vcpuCount(); i++) {
            vcpus.add(Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), i))
                    .start(new VcpuRunner(vm, i, HypercallHandler.NONE, true)));
        }
        if (!vm.awaitStopped(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            vm.shutdown();
        }
        for (Thread t : vcpus) {
            t.join();
        }
        return vm.stopCause();
    }
    // end::run[]
}
