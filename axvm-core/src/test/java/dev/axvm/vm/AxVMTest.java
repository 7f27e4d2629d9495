package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.Port;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.config.UnhandledAccess;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedArchVm;
import dev.axvm.vm.testkit.ScriptedBackend;
import dev.axvm.vm.testkit.ScriptedVCpu;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The VM's lifecycle, exit routing and resource accounting on the mock HAL with scripted vCPUs. */
class AxVMTest {
    private static final byte[] KERNEL = {(byte) 0xf4, 1, 2, 3};
    private final MockHal hal = new MockHal();
    private final List<AxVM<MockHal, ?>> vms = new ArrayList<>();

    @AfterEach
    void everythingReturned() {
        for (AxVM<MockHal, ?> vm : vms) {
            vm.close();
        }
        assertEquals(0, hal.pagingHandler().liveFrames(), "page-table frames returned");
        assertEquals(0, hal.liveRamBlocks(), "guest RAM returned");
        hal.close();
    }

    private static AxVMConfigBuilder config(int cpus) {
        return AxVMConfig.builder().name("scripted").id(3).cpuNum(cpus).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel("kernel.bin", 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0, 16 << 20, 0x7, MapType.MAP_ALLOC);
    }

    private AxVM<MockHal, ?> build(AxVMConfigBuilder config, ScriptedBackend backend, CapturingSerialSink console) {
        AxVM<MockHal, ?> vm = AxVM.builder(config.build(), hal).backend(backend).image("kernel.bin", KERNEL)
                .consoleOutput(console).build();
        vms.add(vm);
        return vm;
    }

    private static ScriptedBackend scripts(BiFunction<Integer, Integer, List<ExitReason>> scripts) {
        return new ScriptedBackend("x86_64", scripts);
    }

    private static ExitReason out(int port, long value) {
        return new ExitReason.IoWrite(Port.of(port), AccessWidth.BYTE, value);
    }

    @Test
    void buildMapsRamLoadsTheKernelAndSetsUpTheBootVcpu() {
        ScriptedBackend backend = scripts((vm, id) -> List.of());
        AxVM<MockHal, ?> vm = build(config(2).memoryRegion(0x4000_0000L, 1 << 20, 0x3, MapType.MAP_IDENTICAL), backend,
                new CapturingSerialSink());
        assertEquals(VmStatus.LOADED, vm.status());
        ScriptedArchVm hw = backend.vms().getFirst();
        assertEquals(List.of(new ScriptedArchVm.RamMapping(0, 16 << 20, MappingFlags.RWX),
                new ScriptedArchVm.RamMapping(0x4000_0000L, 1 << 20, MappingFlags.RW)), hw.ram());
        assertEquals((byte) 0xf4, vm.addrSpace().readByte(0x8000));
        assertEquals(3, vm.addrSpace().readByte(0x8003));
        assertEquals(List.of("setEntry GPA 0x8000", "setNestedRoot", "setup DEFAULT arg=0x0"), hw.vcpus().get(0).calls());
        assertEquals(List.of(), hw.vcpus().get(1).calls(), "secondary vCPUs wait for CpuUp");
        assertTrue(vm.notes().stream().anyMatch(n -> n.contains("MapIdentical gets ordinary RAM")), vm.notes().toString());
    }

    @Test
    void deviceExitsReachTheBuiltinCom1AndOtherExitsReturnToTheCaller() {
        ScriptedBackend backend = scripts((vm, id) -> List.of(out(0x3f8, 'H'), out(0x3f8, 'i'),
                new ExitReason.Hypercall(7, 1, 2, 3, 4, 5, 6)));
        CapturingSerialSink console = new CapturingSerialSink();
        AxVM<MockHal, ?> vm = build(config(1), backend, console);
        vm.boot();
        assertEquals(new ExitReason.Hypercall(7, 1, 2, 3, 4, 5, 6), vm.runVcpu(0));
        assertEquals("Hi", console.text());
    }

    @Test
    void anAccessNoDeviceOwnsReadsAllOnesAndTheVmGoesOn() {
        ScriptedBackend backend = scripts((vm, id) -> List.of(
                new ExitReason.MmioRead(GuestPhysAddr.of(0xd000_0000L), AccessWidth.DWORD, -1, AccessWidth.DWORD, false),
                out(0x99, 1), ExitReason.Halt.INSTANCE));
        AxVM<MockHal, ?> vm = build(config(1), backend, new CapturingSerialSink());
        vm.boot();
        assertEquals(ExitReason.Halt.INSTANCE, vm.runVcpu(0));
        assertEquals(List.of(0xffff_ffffL), backend.vms().getFirst().vcpus().getFirst().readResults());
        assertEquals(VmStatus.RUNNING, vm.status());
    }

    @Test
    void withUnhandledAccessStopAnUnownedAccessStopsTheVm() throws InterruptedException {
        ScriptedBackend backend = scripts((vm, id) -> List.of(out(0x99, 1)));
        AxVM<MockHal, ?> vm = build(config(1).unhandledAccess(UnhandledAccess.STOP), backend, new CapturingSerialSink());
        vm.boot();
        Thread runner = Thread.ofPlatform().start(new VcpuRunner(vm, 0, HypercallHandler.NONE, false));
        assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS));
        runner.join(5000);
        assertEquals(StopCause.Kind.UNHANDLED_ACCESS, vm.stopCause().kind());
        assertTrue(vm.stopCause().detail().contains("PORT_WRITE at 0x99"), vm.stopCause().detail());
    }

    @Test
    void debugExitPortStopsTheVmWithTheGuestsStatus() throws InterruptedException {
        ScriptedBackend backend = scripts((vm, id) -> List.of(
                new ExitReason.IoWrite(Port.of(0x501), AccessWidth.BYTE, 42)));
        AxVM<MockHal, ?> vm = build(config(1), backend, new CapturingSerialSink());
        vm.boot();
        new VcpuRunner(vm, 0, HypercallHandler.NONE, false).run();
        assertEquals(VmStatus.STOPPED, vm.status());
        assertEquals(new StopCause(StopCause.Kind.GUEST_EXIT, 42, "the guest exited with status 42"), vm.stopCause());
    }

    @Test
    void statesFollowTheLifecycleAndEveryRequestGetsAClearAnswer() throws InterruptedException {
        ScriptedBackend backend = scripts((vm, id) -> List.of());
        AxVM<MockHal, ?> vm = build(config(1), backend, new CapturingSerialSink());
        assertEquals(Transition.REFUSED, vm.pause(), "not booted");
        assertEquals(Transition.REFUSED, vm.resume());
        assertEquals(Transition.REFUSED, vm.reboot());
        assertThrows(IllegalStateException.class, () -> vm.runVcpu(0));
        vm.boot();
        assertThrows(IllegalStateException.class, vm::boot, "booting twice is the host's mistake");
        Thread runner = Thread.ofPlatform().start(new VcpuRunner(vm, 0, HypercallHandler.NONE, false));
        assertEquals(VmStatus.RUNNING, vm.status());
        assertEquals(Transition.UNCHANGED, vm.resume());
        assertEquals(Transition.APPLIED, vm.pause());
        assertEquals(VmStatus.SUSPENDED, vm.status());
        assertEquals(Transition.UNCHANGED, vm.pause());
        assertEquals(Transition.APPLIED, vm.resume());
        assertEquals(VmStatus.RUNNING, vm.status());
        vm.shutdown();
        assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS));
        runner.join(5000);
        assertEquals(StopCause.Kind.HOST_REQUEST, vm.stopCause().kind());
        assertEquals(Transition.REFUSED, vm.resume());
        assertEquals(Transition.REFUSED, vm.pause());
        assertEquals(Transition.REFUSED, vm.reboot());
        vm.close();
        assertEquals(VmStatus.CLOSED, vm.status());
        vm.close(); // idempotent
    }

    @Test
    void cpuUpStartsTheTargetWithItsArgumentAndCpuDownParksIt() throws InterruptedException {
        ScriptedBackend backend = scripts((n, id) -> id == 0
                ? List.of(new ExitReason.CpuUp(1, GuestPhysAddr.of(0x9000), 0x77), new ExitReason.CpuUp(1, GuestPhysAddr.of(0x9000), 0))
                : List.of(out(0x3f8, '1'), new ExitReason.CpuDown(0)));
        CapturingSerialSink console = new CapturingSerialSink();
        AxVM<MockHal, ?> vm = build(config(2), backend, console);
        vm.boot();
        Thread second = Thread.ofPlatform().start(new VcpuRunner(vm, 1, HypercallHandler.NONE, false));
        ScriptedVCpu bsp = backend.vms().getFirst().vcpus().get(0);
        ScriptedVCpu ap = backend.vms().getFirst().vcpus().get(1);
        vm.vcpu(0).bind();
        ExitReason up = vm.runVcpu(0);
        vm.vcpu(0).setReturnValue(vm.startVcpu(((ExitReason.CpuUp) up).targetCpu(), ((ExitReason.CpuUp) up).entryPoint(),
                ((ExitReason.CpuUp) up).arg()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (vm.isStarted(1) && System.nanoTime() < deadline) {
            Thread.sleep(5); // the secondary prints, then CpuDown parks it
        }
        assertEquals("1", console.text());
        assertEquals(List.of("setEntry GPA 0x9000", "setNestedRoot", "setup DEFAULT arg=0x77", "bind"),
                ap.calls().subList(0, 4));
        assertTrue(!vm.isStarted(1), "CpuDown parked vCPU 1");
        assertEquals(AxVM.START_INVALID, vm.startVcpu(9, GuestPhysAddr.of(0), 0));
        assertTrue(bsp.calls().contains("ret 0x0"), bsp.calls().toString());
        vm.shutdown();
        assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS), "the parked secondary left runVcpu");
        second.join(5000);
    }

    @Test
    void systemDownOnOneVcpuStopsEveryVcpu() throws InterruptedException {
        ScriptedBackend backend = scripts((n, id) -> id == 0
                ? List.of(new ExitReason.CpuUp(1, GuestPhysAddr.of(0x9000), 0), new ExitReason.SystemDown(Reason.POWER_OFF))
                : List.of());
        AxVM<MockHal, ?> vm = build(config(2), backend, new CapturingSerialSink());
        vm.boot();
        Thread a = Thread.ofPlatform().start(new VcpuRunner(vm, 0, HypercallHandler.NONE, false));
        Thread b = Thread.ofPlatform().start(new VcpuRunner(vm, 1, HypercallHandler.NONE, false));
        assertTrue(vm.awaitStopped(5, TimeUnit.SECONDS));
        a.join(5000);
        b.join(5000);
        assertEquals(StopCause.Kind.POWER_OFF, vm.stopCause().kind());
        assertTrue(!a.isAlive() && !b.isAlive());
    }

    @Test
    void rebootRebuildsTheHardwareZeroesRamAndReloadsImages() throws InterruptedException {
        ScriptedBackend backend = scripts((n, id) -> n == 0
                ? List.of(new ExitReason.SystemDown(Reason.RESET))
                : List.of(new ExitReason.SystemDown(Reason.POWER_OFF)));
        AxVM<MockHal, ?> vm = build(config(1), backend, new CapturingSerialSink());
        vm.addrSpace().writeLong(0x10_0000, 0xdead);
        vm.boot();
        new VcpuRunner(vm, 0, HypercallHandler.NONE, true).run();
        assertEquals(VmStatus.STOPPED, vm.status());
        assertEquals(2, backend.vms().size(), "a fresh hardware VM after the reset");
        assertTrue(backend.vms().get(0).isClosed());
        assertEquals(0, vm.addrSpace().readLong(0x10_0000), "RAM zeroed");
        assertEquals((byte) 0xf4, vm.addrSpace().readByte(0x8000), "kernel reloaded");
        assertEquals(StopCause.Kind.POWER_OFF, vm.stopCause().kind());
    }

    @Test
    void interruptsInjectedFromAnyThreadGoThroughTheHalAndWakeAHaltedVcpu() throws Exception {
        ScriptedBackend backend = scripts((n, id) -> List.of(ExitReason.Halt.INSTANCE, new ExitReason.SystemDown(Reason.POWER_OFF)));
        AxVM<MockHal, ?> vm = build(config(1), backend, new CapturingSerialSink());
        vm.boot();
        assertEquals(ExitReason.Halt.INSTANCE, vm.runVcpu(0));
        Thread injector = Thread.ofPlatform().start(() -> vm.injectInterrupt(0, 0x30));
        assertTrue(vm.awaitInterrupt(0, TimeUnit.SECONDS.toNanos(5)), "woken by the interrupt");
        injector.join();
        assertEquals(List.of(new MockHal.Delivery(3, 0, 0x30)), hal.deliveries());
        assertEquals(List.of(0x30), backend.vms().getFirst().vcpus().getFirst().injected());
        assertInstanceOf(ExitReason.SystemDown.class, vm.runVcpu(0));
    }

    @Test
    void deviceInterruptLinesGoToTheInKernelIrqchip() {
        ScriptedBackend backend = scripts((n, id) -> List.of());
        AxVM<MockHal, ?> vm = build(config(1).interruptMode(InterruptMode.EMULATED), backend, new CapturingSerialSink());
        assertTrue(backend.vms().getFirst().config().inKernelIrqchip());
        vm.setIrqLine(4, true);
        vm.setIrqLine(4, false);
        assertEquals(List.of(new ScriptedArchVm.LineLevel(4, true), new ScriptedArchVm.LineLevel(4, false)),
                backend.vms().getFirst().lines());
    }

    @Test
    void onRiscvWithoutAnInKernelIrqchipDeviceLinesGoThroughTheUserSpacePlicToTheHart() {
        long plic = 0x0c00_0000L;
        ExitReason priority = new ExitReason.MmioWrite(GuestPhysAddr.of(plic + 4 * 10), AccessWidth.DWORD, 1);
        ExitReason enable = new ExitReason.MmioWrite(GuestPhysAddr.of(plic + 0x2000 + 0x80), AccessWidth.DWORD, 1 << 10);
        ExitReason claim = new ExitReason.MmioRead(GuestPhysAddr.of(plic + 0x20_1004), AccessWidth.DWORD, -1,
                AccessWidth.DWORD, false);
        ScriptedBackend backend = new ScriptedBackend("riscv64", (n, id) -> List.of(priority, enable, ExitReason.Halt.INSTANCE,
                claim, ExitReason.Halt.INSTANCE)).withoutInKernelIrqchip();
        AxVMConfig config = AxVMConfig.builder().name("rv").id(4).cpuNum(1).arch(GuestArch.RISCV64).entryPoint(0x8020_0000L)
                .kernel("kernel.bin", 0x8020_0000L).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0x8000_0000L, 16 << 20, 0x7, MapType.MAP_ALLOC).interruptMode(InterruptMode.EMULATED).build();
        AxVM<MockHal, ?> vm = AxVM.builder(config, hal).backend(backend).image("kernel.bin", KERNEL).build();
        vms.add(vm);
        vm.boot();
        assertEquals(ExitReason.Halt.INSTANCE, vm.runVcpu(0), "the guest enabled source 10 for its S-mode context");
        vm.setIrqLine(10, true);
        ScriptedVCpu hart = backend.vms().getFirst().vcpus().getFirst();
        assertTrue(hart.calls().contains("external true"), hart.calls().toString());
        assertEquals(ExitReason.Halt.INSTANCE, vm.runVcpu(0));
        assertEquals(List.of(10L), hart.readResults(), "the claim named source 10");
        assertEquals("external false", hart.calls().getLast(), "claiming it quieted the hart");
    }

    @Test
    void anImageThatDoesNotFitIsRefusedNamingItsSizeAndRegionAndNothingLeaks() {
        byte[] big = new byte[0x3000];
        AxVMConfig config = config(1).memoryRegion(0x100_0000, 0x1_0000, 0x7, MapType.MAP_ALLOC).build();
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> AxVM.builder(
                config.toBuilder().kernel("kernel.bin", 0x100_f000L).entryPoint(0x100_f000L).build(), hal)
                .backend(scripts((n, id) -> List.of())).image("kernel.bin", big).build());
        assertEquals("kernel 'kernel.bin' (0x3000 bytes) at GPA 0x100f000 does not fit in guest RAM: "
                + "it runs 0x2000 bytes past the end of region [0x1000000, 0x1010000)", e.getMessage());
    }

    @Test
    void aMissingMemoryImageIsNamed() {
        ImageLoadException e = assertThrows(ImageLoadException.class,
                () -> AxVM.builder(config(1).build(), hal).backend(scripts((n, id) -> List.of())).build());
        assertEquals("kernel 'kernel.bin': image_location = \"memory\" but no image named 'kernel.bin' was handed to the "
                + "VM (have: [])", e.getMessage());
    }

    @Test
    void passthroughEntriesAreNotedWithWhatStandsInAndX86InterruptControllersAreServedByKvm() {
        AxVMConfig withHpet = config(1).passthroughDevice(new dev.axvm.config.PassthroughDeviceConfig.Region("IO APIC",
                0xfec0_0000L, 0xfec0_0000L, 0x1000, 1)).passthroughDevice(new dev.axvm.config.PassthroughDeviceConfig.Region(
                "HPET", 0xfed0_0000L, 0xfed0_0000L, 0x1000, 1)).passthroughAddress(0xfe00_0000L, 0x1000).build();
        try (AxVM<MockHal, ?> vm = AxVM.builder(withHpet, hal).backend(scripts((n, id) -> List.of()))
                .image("kernel.bin", KERNEL).build()) {
            assertTrue(vm.notes().contains("devices.passthrough_devices[0] 'IO APIC' is served by KVM's in-kernel irqchip"),
                    vm.notes().toString());
            assertTrue(vm.notes().contains("devices.passthrough_devices[1] 'HPET' is not passed through (a user-space host "
                    + "cannot); at GPA [0xfed00000, 0xfed01000) the guest finds no device (accesses are unhandled: "
                    + "unhandled_access = \"ignore\")"), vm.notes().toString());
            assertEquals(1, vm.notes().stream().filter(n -> n.startsWith("devices.passthrough_addresses[0] is not passed "
                    + "through")).count(), vm.notes().toString());
        }
    }

    @Test
    void mapReservedGetsOrdinaryRamAtItsAddressWithANote() {
        AxVMConfig reserved = config(1).memoryRegion(0x920_0000, 0x2000, 0xf, MapType.MAP_RESERVED).build();
        try (AxVM<MockHal, ?> vm = AxVM.builder(reserved, hal).backend(scripts((n, id) -> List.of()))
                .image("kernel.bin", KERNEL).build()) {
            assertTrue(vm.notes().contains("kernel.memory_regions[1] [0x9200000, 0x9202000): MapReserved gets ordinary RAM "
                    + "at the same guest-physical address"), vm.notes().toString());
            assertTrue(vm.addrSpace().isRam(0x920_0000, 0x2000));
        }
    }
}
