package dev.axvm.vcpu.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vcpu.VCpuCreateConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A second hart started by the guest's SBI HSM hart_start, which KVM serves; one platform thread per hart. */
class RiscvSmpKvmTest {
    private static final long OPAQUE = 0xc0ffee;

    @BeforeAll
    static void requireKvm() {
        RiscvTestGuests.requireKvm();
    }

    @Test
    void hsmHartStartRunsTheSecondHartAtItsEntryWithHartIdAndOpaqueValue() throws Exception {
        try (RiscvTestGuests g = new RiscvTestGuests("smp", 2, false, RiscvTestGuests.DTB)) {
            RiscvVCpu second = g.vcpus.get(1);
            assertFalse(second.started(), "KVM keeps harts other than 0 stopped");
            RecordingDevices d0 = new RecordingDevices();
            RecordingDevices d1 = new RecordingDevices();
            CompletableFuture<ExitReason> secondRun = CompletableFuture.supplyAsync(() -> {
                second.bind();
                return second.run(d1);
            }, r -> Thread.ofPlatform().name("hart-1").daemon().start(r));
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d0));
            second.kick();
            assertEquals(ExitReason.Nothing.INSTANCE, secondRun.get(30, TimeUnit.SECONDS),
                    "hart_stop leaves the hart waiting in KVM until kicked");
            assertEquals(List.of(0L, RiscvPlatform.SBI_SUCCESS, 0x5ec0L), d0.reports, "hart id, hart_start result, flag");
            assertEquals(List.of(1L, OPAQUE), d1.reports, "a0 = hart id, a1 = opaque at entry");
        }
    }

    @Test
    void hartIdsAreVcpuIndices() {
        try (RiscvVm vm = RiscvVm.create(new dev.axvm.vcpu.spi.ArchVmConfig(3, 2, false))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vm.createVcpu(new VCpuCreateConfig(3, 1, 7)));
            assertTrue(e.getMessage().contains("the hart id must be 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> vm.createVcpu(new VCpuCreateConfig(3, 2, 2)));
            assertTrue(e.getMessage().contains("outside the 2 vCPUs"), e.getMessage());
            assertEquals(1, vm.createVcpu(new VCpuCreateConfig(3, 1, 1)).hartId());
        }
    }
}
