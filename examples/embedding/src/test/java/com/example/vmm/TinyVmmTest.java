package com.example.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.Port;
import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MapType;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VmStatus;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tiny VMM driven the way an embedder tests theirs: the mock HAL and scripted vCPUs, and KVM where there is one. */
class TinyVmmTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("axvm.examples", ".."));

    private static AxVMConfig twoVcpuConfig() {
        return AxVMConfig.builder().name("tiny").id(1).cpuNum(2).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel("kernel.bin", 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0, 16 << 20, 0x7, MapType.MAP_ALLOC).build();
    }

    private static List<ExitReason> prints(String text) {
        List<ExitReason> exits = new ArrayList<>();
        for (char c : text.toCharArray()) {
            exits.add(new ExitReason.IoWrite(Port.of(0x3f8), AccessWidth.BYTE, c)); // COM1's data register
        }
        return exits;
    }

    @Test
    void aScriptedGuestPrintsOnCom1AndPowersOffAndTheVmmReturnsEverything() throws InterruptedException {
        CapturingSerialSink console = new CapturingSerialSink();
        // vCPU 0 prints and powers off; vCPU 1 is never started by the guest (x86 waits for CPU_ON).
        ScriptedBackend backend = new ScriptedBackend("x86_64", (hwVm, vcpu) -> {
            List<ExitReason> script = new ArrayList<>(prints("hi\n"));
            script.add(new ExitReason.SystemDown(ExitReason.SystemDown.Reason.POWER_OFF));
            return vcpu == 0 ? script : List.of();
        });
        try (MockHal hal = new MockHal()) {
            try (AxVM<MockHal, ?> vm = AxVM.builder(twoVcpuConfig(), hal).backend(backend)
                    .image("kernel.bin", new byte[] {(byte) 0xf4}).consoleOutput(console).build()) {
                StopCause cause = TinyVmm.runToTheEnd(vm, Duration.ofSeconds(30));
                assertEquals(StopCause.Kind.POWER_OFF, cause.kind());
                assertEquals(VmStatus.STOPPED, vm.status());
            }
            assertEquals(0, hal.liveRamBlocks(), "guest RAM returned");
            assertEquals(0, hal.pagingHandler().liveFrames(), "page tables returned");
        }
        assertEquals("hi\n", console.text());
    }

    @Test
    void aGuestResetRebootsAndTheSecondBootRunsItsOwnScript() throws InterruptedException {
        CapturingSerialSink console = new CapturingSerialSink();
        ScriptedBackend backend = new ScriptedBackend("x86_64", (hwVm, vcpu) -> {
            if (vcpu != 0) {
                return List.of();
            }
            List<ExitReason> script = new ArrayList<>(prints(hwVm == 0 ? "first\n" : "second\n"));
            script.add(new ExitReason.SystemDown(hwVm == 0 ? ExitReason.SystemDown.Reason.RESET
                    : ExitReason.SystemDown.Reason.POWER_OFF));
            return script;
        });
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> vm = AxVM.builder(twoVcpuConfig(), hal).backend(backend)
                     .image("kernel.bin", new byte[] {(byte) 0xf4}).consoleOutput(console).build()) {
            assertEquals(StopCause.Kind.POWER_OFF, TinyVmm.runToTheEnd(vm, Duration.ofSeconds(30)).kind());
            assertEquals(2, backend.vms().size(), "one hardware VM per boot");
        }
        assertEquals("first\nsecond\n", console.text());
    }

    @Test
    void theQuickStartGuestRunsOnKvm() throws InterruptedException {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the x86_64 example; this host is " + System.getProperty("os.arch"));
        KvmAvailability kvm = KvmAvailability.probe();
        assumeTrue(kvm.usable(), () -> "KVM unavailable: " + kvm.reason());
        CapturingSerialSink console = new CapturingSerialSink();
        try (LinuxHostHal hal = new LinuxHostHal(1L << 30);
             AxVM<LinuxHostHal, ?> vm = AxVM.builder(AxVMConfigs.load(EXAMPLES.resolve("hello-x86_64.toml")).config(), hal)
                     .consoleOutput(console).build()) {
            assertEquals(StopCause.Kind.POWER_OFF, TinyVmm.runToTheEnd(vm, Duration.ofSeconds(60)).kind());
        }
        assertEquals("Hello from a real x86_64 guest on KVM, driven by Java!\n", console.text());
    }
}
