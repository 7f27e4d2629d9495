package dev.axvm.vcpu.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

/**
 * A second vCPU started by the guest's PSCI CPU_ON, one platform thread per vCPU as the VM runs
 * them. Where KVM serves CPU_ON itself (Linux before 6.4) the secondary's thread waits inside
 * run() from the start; where KVM forwards it, the boot vCPU's run() returns CpuUp and the test
 * starts the secondary as the VM would.
 */
class ArmSmpKvmTest {
    private static final long CONTEXT = 0xc0ffee;

    @BeforeAll
    static void requireKvm() {
        ArmTestGuests.requireKvm();
    }

    @Test
    void psciCpuOnStartsTheSecondVcpuAtItsEntryWithTheContextInX0() throws Exception {
        try (ArmTestGuests g = new ArmTestGuests("smp", 2, false, ArmTestGuests.DTB)) {
            ArmVCpu second = g.vcpus.get(1);
            assertEquals(ArmPlatform.mpidrOf(1), second.mpidr());
            assertFalse(second.poweredOn(), "secondaries are created powered off");
            RecordingDevices d0 = new RecordingDevices();
            RecordingDevices d1 = new RecordingDevices();
            CompletableFuture<ExitReason> secondRun;
            ExitReason first;
            if (g.vm.cpuOnForwarded()) {
                ExitReason.CpuUp up = assertInstanceOf(ExitReason.CpuUp.class, g.vcpu.run(d0));
                assertEquals(1, ArmPlatform.affinity(up.targetCpu()));
                assertEquals(CONTEXT, up.arg());
                secondRun = startOn(second, d1, up.entryPoint().value());
                g.vcpu.setReturnValue(ArmPlatform.PSCI_SUCCESS);
                first = g.vcpu.run(d0);
            } else {
                secondRun = startOn(second, d1, -1);
                first = g.vcpu.run(d0);
            }
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), first);
            // The secondary turned itself off: it waits in KVM (or reported CpuDown) until kicked.
            second.kick();
            ExitReason last = secondRun.get(30, TimeUnit.SECONDS);
            assertEquals(g.vm.cpuOnForwarded() ? new ExitReason.CpuDown(0) : ExitReason.Nothing.INSTANCE, last,
                    "a forwarded CPU_OFF is CpuDown; KVM's own parks the vCPU until the kick");
            assertEquals(List.of(ArmPlatform.mpidrOf(0), 0x1_0001L, ArmPlatform.PSCI_SUCCESS, 0x5ec0L), d0.reports,
                    "MPIDR, PSCI_VERSION 1.1, CPU_ON result, the secondary's flag");
            assertEquals(List.of(CONTEXT, ArmPlatform.mpidrOf(1)), d1.reports, "x0 = context at entry, then its MPIDR");
        }
    }

    /** Runs {@code vcpu} on a platform thread of its own; a forwarded CPU_ON first powers it on at {@code entry}. */
    private static CompletableFuture<ExitReason> startOn(ArmVCpu vcpu, RecordingDevices devices, long entry) {
        return CompletableFuture.supplyAsync(() -> {
            vcpu.bind();
            if (entry >= 0) {
                vcpu.powerOn(entry, CONTEXT);
            }
            return vcpu.run(devices);
        }, r -> Thread.ofPlatform().name("vcpu-1").daemon().start(r));
    }

    @Test
    void vcpusAreNamedByKvmsMpidrAndOthersAreRefused() {
        try (ArmTestGuests g = new ArmTestGuests("spin", 3, false, 0)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(ArmPlatform.mpidrOf(i), g.vcpus.get(i).getRegister(ArmRegister.MPIDR_EL1));
            }
            // VM created for 3 vCPUs: a fourth, or a foreign MPIDR, is refused with the reason.
            IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                    () -> g.vm.createVcpu(new VCpuCreateConfig(1, 3, ArmPlatform.mpidrOf(3))));
            assertTrue(tooMany.getMessage().contains("outside the 3 vCPUs"), tooMany.getMessage());
        }
        try (ArmTestGuests g = new ArmTestGuests("spin", 1, false, 0)) {
            assertEquals(1, g.vcpus.size());
        }
        try (ArmVm vm = ArmVm.create(new dev.axvm.vcpu.spi.ArchVmConfig(2, 2, false))) {
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> vm.createVcpu(new VCpuCreateConfig(2, 1, 0x100)));
            assertTrue(foreign.getMessage().contains("use 0x80000001"), foreign.getMessage());
        }
    }
}
