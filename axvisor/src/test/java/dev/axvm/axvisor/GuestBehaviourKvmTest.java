package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfig;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.HypercallHandler;
import dev.axvm.vm.ImageLoadException;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VcpuRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real guests through AxVM: SMP, accesses nobody owns, images that do not fit. */
class GuestBehaviourKvmTest {
    private final LinuxHostHal hal = new LinuxHostHal(1L << 30);

    @BeforeAll
    static void requireKvm() {
        TestGuests.requireX86Kvm();
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(0, hal.liveFrames(), "RAM and page tables returned");
        hal.close();
    }

    private static StopCause runToStop(AxVM<?, ?> vm) throws InterruptedException {
        vm.boot();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < vm.vcpuCount(); i++) {
            threads.add(Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), i))
                    .start(new VcpuRunner(vm, i, HypercallHandler.NONE, false)));
        }
        assertTrue(vm.awaitStopped(20, TimeUnit.SECONDS), "the guest stopped");
        for (Thread t : threads) {
            t.join(5000);
            assertTrue(!t.isAlive(), t.getName() + " ended");
        }
        return vm.stopCause();
    }

    @Test
    void twoVcpusEachPrintAndTheBootVcpuPowersOff() throws InterruptedException {
        CapturingSerialSink console = new CapturingSerialSink();
        AxVMConfig config = TestGuests.longMode("smp-hello", 2).build();
        try (AxVM<LinuxHostHal, ?> vm = AxVM.builder(config, hal).image("smp-hello", TestGuests.image("smp-hello"))
                .consoleOutput(console).build()) {
            assertEquals(StopCause.Kind.POWER_OFF, runToStop(vm).kind());
        }
        assertEquals("bsp\nap\n", console.text());
    }

    @Test
    void aGuestTouchingAnAddressNoDeviceOwnsSurvivesAndTheVmCountsIt() throws InterruptedException {
        CapturingSerialSink console = new CapturingSerialSink();
        try (AxVM<LinuxHostHal, ?> vm = AxVM.builder(TestGuests.longMode("unowned", 1).build(), hal)
                .image("unowned", TestGuests.image("unowned")).consoleOutput(console).build()) {
            assertEquals(StopCause.Kind.POWER_OFF, runToStop(vm).kind());
            assertEquals(2, vm.unhandledAccesses(), "one store and one load");
        }
        assertEquals("ok\n", console.text(), "the read came back all-ones");
    }

    @Test
    void anImageThatDoesNotFitIsRefusedBeforeAnythingRuns() {
        byte[] huge = new byte[(16 << 20) + 1];
        ImageLoadException e = assertThrows(ImageLoadException.class,
                () -> AxVM.builder(TestGuests.longMode("huge", 1).build(), hal).image("huge", huge).build());
        assertEquals("kernel 'huge' (0x1000001 bytes) at GPA 0x8000 does not fit in guest RAM: it runs 0x8001 bytes past "
                + "the end of region [0x0, 0x1000000)", e.getMessage());
    }
}
