package dev.axvm.bench.vm;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.bench.BenchDefinition;
import dev.axvm.bench.Figure;
import dev.axvm.config.AxVMConfig;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vm.AxVM;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resident memory each extra VM costs beyond the guest RAM it touches: 100 VMs (1 vCPU, 64 MiB)
 * built, booted and run to their first exit, all kept open, against the process's RSS before.
 * The guest ({@code halt}) touches one 4 KiB page of its RAM, which is subtracted.
 */
public final class VmMemoryProbe {
    /** bin/bench vm-memory. */
    public static final BenchDefinition DEFINITION = BenchDefinition.probe("vm-memory",
            "resident memory per extra VM beyond its guest RAM (goal <= 1 MiB)", VmMemoryProbe::measure);

    private static final int VMS = 100;
    private static final long GUEST_PAGES_TOUCHED = 1;

    private VmMemoryProbe() {}

    static List<Figure> measure() throws IOException {
        AxVMConfig config = BenchGuests.realMode("halt");
        byte[] image = BenchGuests.image("halt");
        List<AxVM<LinuxHostHal, ?>> vms = new ArrayList<>();
        try (LinuxHostHal hal = new LinuxHostHal(16L << 30)) {
            for (int i = 0; i < 300; i++) {
                start(hal, config, image).close(); // warm-up: classes, JIT, allocator
            }
            long before = rssKib();
            for (int i = 0; i < VMS; i++) {
                vms.add(start(hal, config, image));
            }
            long after = rssKib();
            double perVm = (after - before) / (double) VMS - GUEST_PAGES_TOUCHED * 4;
            for (AxVM<LinuxHostHal, ?> vm : vms) {
                vm.close();
            }
            return List.of(new Figure("vm_memory", perVm, "KiB/VM"),
                    new Figure("vm_memory_guest_ram", BenchGuests.RAM / 1024.0, "KiB/VM reserved, not resident"));
        }
    }

    private static AxVM<LinuxHostHal, ?> start(LinuxHostHal hal, AxVMConfig config, byte[] image) {
        AxVM<LinuxHostHal, ?> vm = AxVM.builder(config, hal).image("halt", image).build();
        vm.boot();
        if (!(vm.runVcpu(0) instanceof ExitReason.Halt)) {
            throw new IllegalStateException("expected the guest to halt");
        }
        return vm;
    }

    private static long rssKib() throws IOException {
        System.gc();
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.replaceAll("[^0-9]", "")).mapToLong(Long::parseLong).findFirst().orElseThrow();
    }
}
