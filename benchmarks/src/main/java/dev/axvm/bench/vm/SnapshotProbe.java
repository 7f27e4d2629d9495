package dev.axvm.bench.vm;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.bench.BenchDefinition;
import dev.axvm.bench.Figure;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MapType;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.RestoreMemory;
import dev.axvm.vm.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Snapshot and restore of a 128 MiB guest whose every page holds data (the worst case for the
 * write and for a copy): pause → file written; restore → the guest's first exit (the VM built
 * from the file, its memory mapped copy-on-write or copied, resumed, run until the guest's HLT);
 * and the size of a diff after N pages were dirtied (by the guest's own run and by host writes).
 * Medians of 15 runs after 5 warm-up runs ({@code -Daxvm.bench.runs}, {@code -Daxvm.bench.warmups}),
 * the file on /dev/shm where there is one (the page cache either way: these are the library's and
 * KVM's costs, not a disk's).
 */
public final class SnapshotProbe {
    /** bin/bench snapshot. */
    public static final BenchDefinition DEFINITION = BenchDefinition.probe("snapshot",
            "pause -> snapshot written, restore -> first guest exit (lazily and copied), 128 MiB guest; diff size after "
                    + "N dirtied pages (goal: lazy restore <= 5 ms)", SnapshotProbe::measure);

    private static final long RAM = 128L << 20;
    private static final long PAGE = 4096;
    private static final int RUNS = Integer.getInteger("axvm.bench.runs", 15);
    private static final int WARMUP = Integer.getInteger("axvm.bench.warmups", 5);
    private static final int[] DIRTIED = {1, 256, 4096};

    private SnapshotProbe() {}

    private static AxVMConfig config() {
        AxVMConfigBuilder b = AxVMConfig.builder().name("snapshot-bench").id(1).cpuNum(1).arch(GuestArch.X86_64)
                .entryPoint(0x8000).kernel("hlt-loop", 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0, RAM, 0x7, MapType.MAP_ALLOC);
        return b.build();
    }

    static List<Figure> measure() throws IOException {
        AxVMConfig config = config();
        byte[] image = BenchGuests.image("hlt-loop");
        Path shm = Path.of("/dev/shm");
        Path dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "axvm-snapshot-bench");
        Path file = dir.resolve("vm.axsnap");
        List<Figure> figures = new ArrayList<>();
        try (LinuxHostHal hal = new LinuxHostHal(4 * RAM)) {
            double[] write = new double[RUNS];
            for (int i = -WARMUP; i < RUNS; i++) {
                try (AxVM<LinuxHostHal, ?> vm = pausedAndFilled(hal, config, image, false)) {
                    long t0 = System.nanoTime();
                    vm.snapshot(file);
                    if (i >= 0) {
                        write[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            figures.add(new Figure("snapshot_write_128mib", median(write), "ms"));
            for (RestoreMemory memory : RestoreMemory.values()) {
                double[] restore = new double[RUNS];
                for (int i = -WARMUP; i < RUNS; i++) {
                    long t0 = System.nanoTime();
                    try (AxVM<LinuxHostHal, ?> vm = AxVM.builder(config, hal).restoreFrom(file, memory).build()) {
                        resumeToHalt(vm);
                        if (i >= 0) {
                            restore[i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
                figures.add(new Figure("restore_" + memory.name().toLowerCase() + "_128mib", median(restore), "ms"));
            }
            for (int n : DIRTIED) {
                try (AxVM<LinuxHostHal, ?> vm = pausedAndFilled(hal, config, image, true)) {
                    vm.snapshot(file);
                    for (long p = 0; p < n; p++) {
                        vm.addrSpace().writeLong(RAM - (p + 1) * PAGE, p + 1); // pages the guest's code is not on
                    }
                    resumeToHalt(vm); // the guest's own run dirties what it touches too
                    vm.letGo(0);
                    vm.pause();
                    Path diff = dir.resolve("diff-" + n + ".axsnap");
                    long pages = vm.snapshotDiff(diff);
                    figures.add(new Figure("diff_pages_after_" + n, pages, "pages"));
                    figures.add(new Figure("diff_file_after_" + n, Files.size(diff) / 1024.0, "KiB"));
                    Files.delete(diff);
                }
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        return figures;
    }

    /** Booted, run to its HLT, every page of RAM but the guest's written with data, paused; tracking dirty pages or not. */
    private static AxVM<LinuxHostHal, ?> pausedAndFilled(LinuxHostHal hal, AxVMConfig config, byte[] image,
            boolean trackDirtyPages) {
        AxVM<LinuxHostHal, ?> vm = AxVM.builder(config, hal).image("hlt-loop", image).trackDirtyPages(trackDirtyPages).build();
        vm.boot();
        if (!(vm.runVcpu(0) instanceof ExitReason.Halt)) {
            throw new IllegalStateException("expected the guest to halt");
        }
        byte[] page = new byte[(int) PAGE];
        Arrays.fill(page, (byte) 0x5a);
        for (long gpa = 0x10_0000; gpa < RAM; gpa += PAGE) {
            vm.addrSpace().write(gpa, page, 0, page.length);
        }
        vm.letGo(0);
        if (vm.pause() != Transition.APPLIED) {
            throw new IllegalStateException("the VM did not pause");
        }
        return vm;
    }

    private static void resumeToHalt(AxVM<LinuxHostHal, ?> vm) {
        if (vm.resume() != Transition.APPLIED) {
            throw new IllegalStateException("the VM did not resume");
        }
        ExitReason first = vm.runVcpu(0);
        if (!(first instanceof ExitReason.Halt)) {
            throw new IllegalStateException("first exit " + first + ", expected Halt");
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
