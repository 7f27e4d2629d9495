package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.Port;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.testing.Seeds;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedArchVm;
import dev.axvm.vm.testkit.ScriptedBackend;
import dev.axvm.vm.testkit.ScriptedVCpu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A paused VM written to a snapshot and built again from it, against the scripted backend and the mock HAL. */
class VmSnapshotTest {
    private static final byte[] KERNEL = {(byte) 0xf4, 1, 2, 3};
    private static final int COM1_SCRATCH = 0x3ff;
    private static final long MARKER = 0x10_0000;

    private final MockHal hal = new MockHal();
    private final List<AxVM<MockHal, ?>> vms = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void everythingReturned() {
        for (AxVM<MockHal, ?> vm : vms) {
            vm.close();
        }
        assertEquals(0, hal.pagingHandler().liveFrames(), "page-table frames returned");
        assertEquals(0, hal.liveRamBlocks(), "guest RAM returned");
        hal.close();
    }

    private static AxVMConfigBuilder config() {
        return AxVMConfig.builder().name("snap").id(4).cpuNum(2).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel("kernel.bin", 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0, 16 << 20, 0x7, MapType.MAP_ALLOC).interruptMode(InterruptMode.EMULATED);
    }

    private static ExitReason out(int port, long value) {
        return new ExitReason.IoWrite(Port.of(port), AccessWidth.BYTE, value);
    }

    private static ExitReason in(int port) {
        return new ExitReason.IoRead(Port.of(port), AccessWidth.BYTE);
    }

    private AxVM<MockHal, ?> keep(AxVM<MockHal, ?> vm) {
        vms.add(vm);
        return vm;
    }

    /** A VM that wrote COM1's scratch register, printed "H", set a register and a marker, then paused. */
    private AxVM<MockHal, ?> pausedVm(ScriptedBackend backend, PortDevice... extra) {
        AxVMBuilder<MockHal, ?> b = AxVM.builder(config().build(), hal).backend(backend).image("kernel.bin", KERNEL)
                .consoleOutput(new CapturingSerialSink()).trackDirtyPages(true);
        for (PortDevice d : extra) {
            b.device(d);
        }
        AxVM<MockHal, ?> vm = keep(b.build());
        vm.boot();
        assertEquals(new ExitReason.Hypercall(9, 0, 0, 0, 0, 0, 0), vm.runVcpu(0));
        vm.vcpu(0).setGpr(3, 0x5eed_0003L);
        vm.addrSpace().writeLong(MARKER, 0xfeed_f00d_cafeL);
        vm.setIrqLine(5, true);
        vm.letGo(0);
        assertEquals(Transition.APPLIED, vm.pause());
        return vm;
    }

    private static ScriptedBackend backend() {
        // The first VM's boot vCPU; the restored VM's boot vCPU reads the scratch register, prints, powers off.
        return new ScriptedBackend("x86_64", (vm, id) -> id != 0 ? List.of()
                : vm == 0 ? List.of(out(COM1_SCRATCH, 0x5a), out(0x3f8, 'H'), new ExitReason.Hypercall(9, 0, 0, 0, 0, 0, 0))
                : List.of(in(COM1_SCRATCH), out(0x3f8, '!'), ExitReason.SystemDown.of(Reason.POWER_OFF)));
    }

    @Test
    void aVmBuiltFromTheSnapshotOfAPausedOneHasItsMemoryVcpusDevicesAndRunStateAndRunsOn() {
        ScriptedBackend backend = backend();
        AxVM<MockHal, ?> first = pausedVm(backend);
        Path file = dir.resolve("vm.axsnap");
        long pages = first.snapshot(file);
        assertTrue(pages >= 2 && pages < 16, "the kernel's page and the marker's, not the zero pages: " + pages);
        assertEquals(VmStatus.SUSPENDED, first.status(), "a snapshot leaves the VM paused");

        CapturingSerialSink console = new CapturingSerialSink();
        AxVM<MockHal, ?> second = keep(AxVM.builder(config().build(), hal).backend(backend).consoleOutput(console)
                .restoreFrom(file).build());
        assertEquals(VmStatus.SUSPENDED, second.status());
        assertEquals(0xfeed_f00d_cafeL, second.addrSpace().readLong(MARKER));
        assertEquals((byte) 0xf4, second.addrSpace().readByte(0x8000), "the kernel, from the snapshot: no image was given");
        ScriptedArchVm hw = backend.vms().get(1);
        ScriptedVCpu bsp = hw.vcpus().getFirst();
        assertTrue(bsp.calls().contains("restoreState"), bsp.calls().toString());
        List<ScriptedArchVm.LineLevel> saved = backend.vms().getFirst().lines();
        assertTrue(saved.contains(new ScriptedArchVm.LineLevel(5, true)), saved.toString());
        assertEquals(saved, hw.lines().subList(0, saved.size()), "the VM-wide state, then what the restored devices drive");
        assertEquals(0x5eed_0003L, second.vcpu(0).getGpr(3));
        assertEquals(first.generation(), second.generation());

        assertEquals(Transition.APPLIED, second.resume());
        assertEquals(ExitReason.SystemDown.of(Reason.POWER_OFF), second.runVcpu(0));
        assertEquals(List.of(0x5aL), bsp.readResults(), "COM1's scratch register came back");
        assertEquals("!", console.text());
    }

    @Test
    void onlyAPausedVmCanBeSnapshotted() {
        AxVM<MockHal, ?> vm = keep(AxVM.builder(config().build(), hal).backend(backend()).image("kernel.bin", KERNEL).build());
        Path file = dir.resolve("vm.axsnap");
        IllegalStateException loaded = assertThrows(IllegalStateException.class, () -> vm.snapshot(file));
        assertTrue(loaded.getMessage().contains("pause it"), loaded.getMessage());
        vm.boot();
        assertThrows(IllegalStateException.class, () -> vm.snapshot(file));
        assertFalse(Files.exists(file));
    }

    @Test
    void aSnapshotIsRestoredOnlyIntoAVmOfTheSameConfigAndNothingIsLeftAllocated() {
        AxVM<MockHal, ?> first = pausedVm(backend());
        Path file = dir.resolve("vm.axsnap");
        first.snapshot(file);
        AxVMBuilder<MockHal, ?> other = AxVM.builder(config().name("another").build(), hal).backend(backend()).restoreFrom(file);
        SnapshotException e = assertThrows(SnapshotException.class, other::build);
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("another config"), e.getMessage());
    }

    @Test
    void aTruncatedOrChangedSnapshotIsRefusedNamingTheFileAndNothingIsLeftAllocated() throws IOException {
        AxVM<MockHal, ?> first = pausedVm(backend());
        Path file = dir.resolve("vm.axsnap");
        first.snapshot(file);
        byte[] good = Files.readAllBytes(file);
        Path bad = dir.resolve("bad.axsnap");
        Files.write(bad, Arrays.copyOf(good, good.length - 100));
        SnapshotException truncated = assertThrows(SnapshotException.class,
                () -> AxVM.builder(config().build(), hal).backend(backend()).restoreFrom(bad).build());
        assertTrue(truncated.getMessage().startsWith(bad + ": "), truncated.getMessage());
        byte[] changed = good.clone();
        changed[0x8000 + 1] ^= 1; // the kernel's page in the RAM section
        Files.write(bad, changed);
        SnapshotException flipped = assertThrows(SnapshotException.class,
                () -> AxVM.builder(config().build(), hal).backend(backend()).restoreFrom(bad).build());
        assertTrue(flipped.getMessage().contains("does not match its checksum"), flipped.getMessage());
    }

    /**
     * Seeded single-bit flips anywhere in a real VM's snapshot (every section: identity, config,
     * run state, device manifest and states, VM-wide and vCPU state, memory, the table, the header):
     * each is refused with a one-line SnapshotException naming the file, or — landing in the padding
     * between sections, which no reader looks at — restores the very same VM. Nothing else escapes.
     */
    @Test
    void everyBitFlippedInAVmSnapshotIsRefusedOrChangesNothing() throws IOException {
        AxVM<MockHal, ?> first = pausedVm(backend());
        Path file = dir.resolve("vm.axsnap");
        first.snapshot(file);
        byte[] good = Files.readAllBytes(file);
        // Half the flips land where the metadata is (the first pages and the table at the end).
        int refused = flipBits(good, "VmSnapshotTest.flips", (r, length) -> r.nextBoolean() ? r.nextInt(length)
                : r.nextBoolean() ? r.nextInt(Math.min(length, 3 * 4096)) : length - 1 - r.nextInt(Math.min(length, 4096)),
                vm -> { });
        // A quarter land in the padding of the first pages, where nothing is read.
        assertTrue(refused > 100, "most flips land in checked bytes: " + refused + " of 200 refused");
    }

    /** Where a flip lands, given a random source and the file's length. */
    private interface FlipAt {
        int pick(java.util.SplittableRandom r, int length);
    }

    /**
     * 200 seeded single-bit flips of {@code good}, each restored: refused in one line naming the file,
     * or the very same VM (the marker, vCPU 0's r3, and what {@code check} looks at). Returns how
     * many were refused.
     */
    private int flipBits(byte[] good, String name, FlipAt where, java.util.function.Consumer<AxVM<MockHal, ?>> check)
            throws IOException {
        Path bad = dir.resolve("bad.axsnap");
        int refused = 0;
        for (long seed : Seeds.forCases(name, 200)) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
            int at = where.pick(r, good.length);
            byte[] b = good.clone();
            b[at] ^= (byte) (1 << r.nextInt(8));
            Files.write(bad, b);
            try {
                AxVM<MockHal, ?> vm = AxVM.builder(config().build(), hal).backend(backend()).restoreFrom(bad).build();
                try {
                    assertEquals(0xfeed_f00d_cafeL, vm.addrSpace().readLong(MARKER), Seeds.replay(seed) + ": offset " + at);
                    assertEquals(0x5eed_0003L, vm.vcpu(0).getGpr(3), Seeds.replay(seed) + ": offset " + at);
                    check.accept(vm);
                } finally {
                    vm.close();
                }
            } catch (SnapshotException e) {
                refused++;
                assertTrue(e.getMessage().startsWith(bad + ": ") && e.getMessage().lines().count() == 1,
                        Seeds.replay(seed) + ": " + e.getMessage());
            }
        }
        return refused;
    }

    /** A device of the embedder's that keeps state it cannot save. */
    private static final class Counter implements PortDevice {
        private long count;

        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public PortRange addressRange() {
            return new PortRange(0x510, 1);
        }

        @Override
        public String name() {
            return "counter";
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext context) {
            return count;
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
            count++;
        }
    }

    /** A device whose state is saved only when the test lets it: a snapshot held in the middle. */
    private static final class Holding implements PortDevice, StatefulDevice {
        final CountDownLatch saving = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);

        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public PortRange addressRange() {
            return new PortRange(0x520, 1);
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext context) {
            return 0;
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {}

        @Override
        public byte[] saveState() {
            saving.countDown();
            try {
                letGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[] {1};
        }

        @Override
        public void restoreState(byte[] state) {}
    }

    @Test
    void aResumeOrCloseAskedWhileTheSnapshotIsWrittenWaitsForIt() throws Exception {
        Holding holding = new Holding();
        AxVM<MockHal, ?> vm = pausedVm(backend(), holding);
        Path file = dir.resolve("vm.axsnap");
        CompletableFuture<Long> snapshot = CompletableFuture.supplyAsync(() -> vm.snapshot(file));
        assertTrue(holding.saving.await(5, TimeUnit.SECONDS));
        CompletableFuture<Transition> resume = CompletableFuture.supplyAsync(vm::resume);
        CompletableFuture<Void> close = CompletableFuture.runAsync(vm::close);
        Thread.sleep(200);
        assertFalse(resume.isDone(), "a resume waits for the snapshot");
        assertEquals(VmStatus.SUSPENDED, vm.status());
        assertTrue(hal.liveRamBlocks() > 0, "a close does not free the RAM the snapshot reads");
        holding.letGo.countDown();
        assertTrue(snapshot.get(5, TimeUnit.SECONDS) > 0);
        resume.get(5, TimeUnit.SECONDS);
        close.get(15, TimeUnit.SECONDS);
        assertTrue(Files.exists(file));
        assertEquals(VmStatus.CLOSED, vm.status());
        assertEquals(0, hal.liveRamBlocks(), "the close released everything once the snapshot was written");
    }

    @Test
    void aDeviceWithoutSnapshotStateMakesTheSnapshotFailNamingItAndLeavesNoFile() {
        AxVM<MockHal, ?> vm = pausedVm(backend(), new Counter());
        Path file = dir.resolve("vm.axsnap");
        SnapshotException e = assertThrows(SnapshotException.class, () -> vm.snapshot(file));
        assertTrue(e.getMessage().contains("device 'counter' (Counter) has no snapshot state yet"), e.getMessage());
        assertFalse(Files.exists(file));
        assertEquals(Transition.APPLIED, vm.resume(), "the VM goes on");
    }

    // ---- diff snapshots ---------------------------------------------------------------------

    private static final long GUEST_PAGE = 0x20_0000;
    private static final long DEVICE_PAGE = 0x30_0000;
    private static final long LATER_PAGE = 0x40_0000;

    private AxVM<MockHal, ?> restored(ScriptedBackend backend, Path file) {
        return keep(AxVM.builder(config().build(), hal).backend(backend).trackDirtyPages(true).restoreFrom(file).build());
    }

    @Test
    void aDiffHoldsExactlyThePagesTheGuestAndTheDevicesWroteAndLayersOnItsBase() {
        ScriptedBackend backend = backend();
        AxVM<MockHal, ?> first = pausedVm(backend);
        ScriptedArchVm hw = backend.vms().getFirst();
        Path base = dir.resolve("base.axsnap");
        first.snapshot(base);
        hw.guestWrite(GUEST_PAGE + 8, 0x1111);          // a guest store, in the hypervisor's log
        first.addrSpace().writeLong(DEVICE_PAGE, 0x2222); // device emulation, in the VM's own log
        Path diff = dir.resolve("diff1.axsnap");
        assertEquals(2, first.snapshotDiff(diff), "the guest's page and the device's, nothing else");
        hw.guestWrite(LATER_PAGE, 0x3333);
        first.vcpu(0).setGpr(3, 0x5eed_0004L);
        Path diff2 = dir.resolve("diff2.axsnap");
        assertEquals(1, first.snapshotDiff(diff2), "only what changed since the first diff");

        AxVM<MockHal, ?> second = restored(backend, diff2);
        assertEquals(0xfeed_f00d_cafeL, second.addrSpace().readLong(MARKER), "from the full snapshot");
        assertEquals(0x1111, second.addrSpace().readLong(GUEST_PAGE + 8), "from the first diff");
        assertEquals(0x2222, second.addrSpace().readLong(DEVICE_PAGE), "from the first diff");
        assertEquals(0x3333, second.addrSpace().readLong(LATER_PAGE), "from the second diff");
        assertEquals(0x5eed_0004L, second.vcpu(0).getGpr(3), "registers from the newest file");
        AxVM<MockHal, ?> middle = restored(backend, diff);
        assertEquals(0, middle.addrSpace().readLong(LATER_PAGE), "a diff restores its own point in time");
        assertEquals(0x5eed_0003L, middle.vcpu(0).getGpr(3));

        // The restored VM tracks from its snapshot on: its own diff layers on diff2.
        ScriptedArchVm hw2 = backend.vms().get(1);
        hw2.guestWrite(GUEST_PAGE, 0x4444);
        Path diff3 = dir.resolve("diff3.axsnap");
        assertEquals(1, second.snapshotDiff(diff3));
        AxVM<MockHal, ?> third = restored(backend, diff3);
        assertEquals(0x4444, third.addrSpace().readLong(GUEST_PAGE));
        assertEquals(0x3333, third.addrSpace().readLong(LATER_PAGE));
    }

    @Test
    void aDiffWithoutABaseOrWithAnotherFileAtItsPlaceIsRefusedSayingWhy() throws IOException {
        AxVM<MockHal, ?> vm = pausedVm(backend());
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> vm.snapshotDiff(dir.resolve("d.axsnap")));
        assertTrue(none.getMessage().contains("not been snapshotted"), none.getMessage());
        Path base = dir.resolve("base.axsnap");
        vm.snapshot(base);
        Path diff = dir.resolve("diff.axsnap");
        vm.snapshotDiff(diff);

        Path moved = Files.createDirectory(dir.resolve("moved"));
        Files.move(base, moved.resolve("base.axsnap"));
        Files.move(diff, moved.resolve("diff.axsnap"));
        restored(backend(), moved.resolve("diff.axsnap")).close(); // the base beside the diff is found
        SnapshotException missing = assertThrows(SnapshotException.class,
                () -> AxVM.builder(config().build(), hal).backend(backend()).restoreFrom(dir.resolve("gone.axsnap")).build());
        assertTrue(missing.getMessage().contains("cannot open"), missing.getMessage());
        Files.delete(moved.resolve("base.axsnap"));
        SnapshotException noBase = assertThrows(SnapshotException.class,
                () -> AxVM.builder(config().build(), hal).backend(backend()).restoreFrom(moved.resolve("diff.axsnap")).build());
        assertTrue(noBase.getMessage().startsWith(base + ": cannot open"), noBase.getMessage());

        vm.addrSpace().writeLong(MARKER, 0x0bad); // (the same VM unchanged would write the very same file)
        vm.snapshot(base); // another snapshot where the diff's base was
        Files.move(moved.resolve("diff.axsnap"), diff);
        SnapshotException other = assertThrows(SnapshotException.class,
                () -> AxVM.builder(config().build(), hal).backend(backend()).restoreFrom(diff).build());
        assertTrue(other.getMessage().startsWith(diff + ": ") && other.getMessage().contains("another fingerprint"),
                other.getMessage());
    }

    /** Seeded bit flips in a diff snapshot (its base intact): refused in one line naming the diff, or the same VM. */
    @Test
    void everyBitFlippedInADiffSnapshotIsRefusedOrChangesNothing() throws IOException {
        ScriptedBackend backend = backend();
        AxVM<MockHal, ?> first = pausedVm(backend);
        first.snapshot(dir.resolve("base.axsnap"));
        backend.vms().getFirst().guestWrite(GUEST_PAGE, 0x1111);
        Path diff = dir.resolve("diff.axsnap");
        first.snapshotDiff(diff);
        byte[] good = Files.readAllBytes(diff);
        // A diff is mostly the padding of its small sections: half the flips land on its non-zero bytes.
        int[] meaningful = java.util.stream.IntStream.range(0, good.length).filter(i -> good[i] != 0).toArray();
        int refused = flipBits(good, "VmSnapshotTest.diffFlips",
                (r, length) -> r.nextBoolean() ? r.nextInt(length) : meaningful[r.nextInt(meaningful.length)],
                vm -> assertEquals(0x1111, vm.addrSpace().readLong(GUEST_PAGE), "the diff's page"));
        assertTrue(refused > 100, "most flips land in checked bytes: " + refused + " of 200 refused");
    }

    @Test
    void aRebootBreaksTheChainUntilTheNextFullSnapshot() {
        AxVM<MockHal, ?> vm = pausedVm(backend());
        vm.snapshot(dir.resolve("base.axsnap"));
        vm.resume();
        assertEquals(Transition.APPLIED, vm.reboot());
        vm.pause();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> vm.snapshotDiff(dir.resolve("d.axsnap")));
        assertTrue(e.getMessage().contains("rebooted"), e.getMessage());
        vm.snapshot(dir.resolve("base2.axsnap"));
        vm.snapshotDiff(dir.resolve("d.axsnap"));
    }

    @Test
    void restoreBuildsTheVmFromTheConfigTheSnapshotCarries() {
        ScriptedBackend backend = backend();
        AxVM<MockHal, ?> first = pausedVm(backend);
        Path file = dir.resolve("vm.axsnap");
        first.snapshot(file);
        // No backend given: the scripted VM's architecture has no backend on this host, which says so.
        VmBuildException e = assertThrows(VmBuildException.class, () -> AxVM.restore(file, hal));
        assertTrue(e.getMessage().contains("x86_64"), e.getMessage());
        assertThrows(SnapshotException.class, () -> AxVM.restore(dir.resolve("none.axsnap"), hal));
    }

    @Test
    void aVmThatDoesNotTrackDirtyPagesNeverLogsThemAndRefusesADiff() {
        ScriptedBackend backend = backend();
        AxVM<MockHal, ?> vm = keep(AxVM.builder(config().build(), hal).backend(backend).image("kernel.bin", KERNEL).build());
        vm.boot();
        assertEquals(new ExitReason.Hypercall(9, 0, 0, 0, 0, 0, 0), vm.runVcpu(0));
        vm.letGo(0);
        vm.pause();
        vm.snapshot(dir.resolve("vm.axsnap"));
        ScriptedArchVm hw = backend.vms().getFirst();
        assertThrows(IllegalStateException.class, () -> hw.dirtyPages(0), "the hypervisor was never asked to log");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> vm.snapshotDiff(dir.resolve("d.axsnap")));
        assertTrue(e.getMessage().contains("does not track dirty pages"), e.getMessage());
    }
}
