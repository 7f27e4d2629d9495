package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.vm.testkit.FaultPlan;
import dev.axvm.vm.testkit.ManualClock;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedArchVm;
import dev.axvm.vm.testkit.ScriptedBackend;
import dev.axvm.vm.testkit.ScriptedVCpu;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every allocation (guest RAM, page-table frames) and every hypervisor call (create the VM, map
 * RAM, create and set up vCPUs) that building or rebooting a VM makes is failed in turn, one per
 * run: the build throws one {@link VmBuildException} (the reboot stops the VM with a crash cause)
 * and everything acquired before the failure is returned — counted by the mock HAL and the
 * scripted backend.
 */
class FaultInjectionTest {
    private static final byte[] KERNEL = {(byte) 0xf4, 0, 0, 0};

    /** A VM with two RAM regions and three vCPUs; RISC-V's adds the user-space PLIC. */
    private static AxVMConfigBuilder config(String arch) {
        GuestArch guest = arch.equals("x86_64") ? GuestArch.X86_64 : GuestArch.RISCV64;
        long ram = arch.equals("x86_64") ? 0 : 0x8000_0000L;
        return AxVMConfig.builder().name("faults").id(6).cpuNum(3).arch(guest).entryPoint(ram + 0x8000)
                .kernel("kernel.bin", ram + 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(ram, 8 << 20, 0x7, MapType.MAP_ALLOC)
                .memoryRegion(ram + (64 << 20), 4 << 20, 0x3, MapType.MAP_ALLOC)
                .interruptMode(InterruptMode.EMULATED);
    }

    private static ScriptedBackend backend(String arch, FaultPlan plan) {
        ScriptedBackend b = new ScriptedBackend(arch, (n, id) -> List.of()).withFaults(plan);
        return arch.equals("riscv64") ? b.withoutInKernelIrqchip() : b;
    }

    private static void assertEverythingReturned(MockHal hal, ScriptedBackend backend, String where) {
        assertEquals(0, hal.liveRamBlocks(), where + ": guest RAM returned");
        assertEquals(0, hal.pagingHandler().liveFrames(), where + ": page-table frames returned");
        for (ScriptedArchVm vm : backend.vms()) {
            assertTrue(vm.isClosed(), where + ": hardware VM closed");
            for (ScriptedVCpu v : vm.vcpus()) {
                assertTrue(v.isClosed(), where + ": vCPU closed");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "riscv64"})
    void everyFailureTheBuildCanMeetGivesOneBuildExceptionAndReturnsEverything(String arch) {
        int injected = 0;
        for (int n = 1; ; n++) {
            FaultPlan plan = new FaultPlan(n);
            ScriptedBackend backend = backend(arch, plan);
            try (MockHal hal = smallHal().withFaults(plan)) {
                try (AxVM<MockHal, ?> vm = AxVM.builder(config(arch).build(), hal).backend(backend)
                        .image("kernel.bin", KERNEL).build()) {
                    assertFalse(plan.fired(), "call " + n + " failed, yet the build succeeded");
                    assertTrue(n > 10, "a build makes more than 10 calls, made " + plan.calls());
                    System.out.println("FaultInjectionTest " + arch + ": the build makes " + plan.calls()
                            + " allocations and hypervisor calls; each was failed once (" + injected + " builds)");
                    return;
                } catch (VmBuildException e) {
                    injected++;
                    assertTrue(plan.fired(), "failed without an injected fault: " + e);
                    assertInstanceOf(FaultPlan.InjectedFault.class, rootCause(e), "call " + n + " (" + plan.log().getLast()
                            + "): the build exception carries the injected failure");
                    assertTrue(e.getMessage().contains("injected failure of call " + n), e.getMessage());
                }
                assertEverythingReturned(hal, backend, "call " + n + " (" + plan.log().getLast() + ")");
            }
            if (n > 10_000) {
                fail("the build never succeeded");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "riscv64"})
    void everyFailureARebootCanMeetStopsTheVmAndTheCloseReturnsEverything(String arch) {
        FaultPlan counting = FaultPlan.counting();
        try (MockHal hal = smallHal().withFaults(counting);
             AxVM<MockHal, ?> vm = AxVM.builder(config(arch).build(), hal).backend(backend(arch, counting))
                     .image("kernel.bin", KERNEL).build()) {
            assertTrue(vm.hal().liveRamBlocks() > 0);
        }
        int build = counting.calls();
        int injected = 0;
        for (int k = 1; ; k++) {
            FaultPlan plan = new FaultPlan(build + k);
            ScriptedBackend backend = backend(arch, plan);
            try (MockHal hal = smallHal().withFaults(plan)) {
                try (AxVM<MockHal, ?> vm = AxVM.builder(config(arch).build(), hal).backend(backend)
                        .image("kernel.bin", KERNEL).build()) {
                    vm.boot();
                    Transition t = vm.reboot();
                    if (!plan.fired()) {
                        assertEquals(Transition.APPLIED, t);
                        System.out.println("FaultInjectionTest " + arch + ": a reboot makes " + (plan.calls() - build)
                                + " allocations and hypervisor calls; each was failed once (" + injected + " reboots)");
                        return;
                    }
                    injected++;
                    String where = "reboot call " + k + " (" + plan.log().get(build + k - 1) + ")";
                    assertEquals(Transition.FAILED, t, where);
                    assertEquals(VmStatus.STOPPED, vm.status(), where);
                    assertInstanceOf(FaultPlan.InjectedFault.class, rootCause(vm.stopCause().error()), where);
                }
                assertEverythingReturned(hal, backend, "reboot call " + k);
            }
            if (k > 10_000) {
                fail("the reboot never succeeded");
            }
        }
    }

    /** Room for the VM's 12 MiB of RAM and its page tables; a smaller pool than the default is quicker to set up. */
    private static MockHal smallHal() {
        return new MockHal(16 << 20, new ManualClock(true));
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
