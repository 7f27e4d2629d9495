package dev.axvm.vcpu.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vcpu.VCpuException;
import dev.axvm.vcpu.VCpuSetupConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real aarch64 guests on this host's KVM (run inside QEMU with EL2 by bin/cross-arch-test). */
class ArmVCpuKvmTest {
    private static final long POWER_OFF = 0x8400_0008L;

    @BeforeAll
    static void requireKvm() {
        ArmTestGuests.requireKvm();
    }

    @Test
    void guestStartsWithTheDtbInX0PrintsOnThePl011AndPowersOffThroughPsci() {
        try (ArmTestGuests g = new ArmTestGuests("hello")) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
            assertEquals("Hello from aarch64\n", d.console());
            assertEquals(List.of(ArmTestGuests.DTB), d.reports, "x0 at entry");
        }
    }

    @Test
    void psciSystemResetIsASystemDownWithReasonReset() {
        try (ArmTestGuests g = new ArmTestGuests("hello", 1, false, 1)) {
            assertEquals(new ExitReason.SystemDown(Reason.RESET), g.vcpu.run(new RecordingDevices()));
        }
    }

    @Test
    void mmioStoresAndLoadsOfEveryWidthReachTheHandlerAndKvmSignExtendsLoads() {
        try (ArmTestGuests g = new ArmTestGuests("mmio")) {
            RecordingDevices d = new RecordingDevices();
            long b = ArmTestGuests.TEST_MMIO;
            d.mmioValues.put(b + 0x10, 0xa5L);
            d.mmioValues.put(b + 0x12, 0xbeefL);
            d.mmioValues.put(b + 0x14, 0xdead_beefL);
            d.mmioValues.put(b + 0x18, 0x0123_4567_89ab_cdefL);
            d.mmioValues.put(b + 0x20, 0x80L);
            d.mmioValues.put(b + 0x22, 0x8001L);
            d.mmioValues.put(b + 0x24, 0x8000_0001L);
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
            assertEquals(List.of(new RecordingDevices.Access(b, AccessWidth.BYTE, 0x11),
                    new RecordingDevices.Access(b + 2, AccessWidth.WORD, 0x2222),
                    new RecordingDevices.Access(b + 4, AccessWidth.DWORD, 0x3333_3333L),
                    new RecordingDevices.Access(b + 8, AccessWidth.QWORD, 0x4444_4444_5555_5555L)), d.mmioWrites);
            assertEquals(List.of(0xa5L, 0xbeefL, 0xdead_beefL, 0x0123_4567_89ab_cdefL), d.reports.subList(0, 4),
                    "ldrb ldrh ldr(w) ldr(x) zero-extend");
            List<Long> signed = d.reports.subList(4, 9);
            if (KernelQuirks.mmioLoadsLoseSignExtension()) {
                // Linux 6.1 and 6.12 sign-extend in kvm_handle_mmio_return(), then mask the value back to the access
                // width when it converts its endianness (vcpu_data_host_to_guest): the register gets the raw datum.
                assertEquals(List.of(0x80L, 0x8001L, 0x8000_0001L, 0x80L, 0x8001L), signed,
                        "ldrsb ldrsh ldrsw into x, ldrsb ldrsh into w on " + KernelQuirks.release());
            } else {
                assertEquals(List.of(0xffff_ffff_ffff_ff80L, 0xffff_ffff_ffff_8001L, 0xffff_ffff_8000_0001L, 0xffff_ff80L,
                        0xffff_8001L), signed, "ldrsb ldrsh ldrsw into x sign-extend to 64 bits, ldrsb ldrsh into w to 32");
            }
        }
    }

    @Test
    void withoutAHandlerMmioArrivesAsExitsAndReadsAreCompletedByTheCaller() {
        try (ArmTestGuests g = new ArmTestGuests("mmio")) {
            long b = ArmTestGuests.TEST_MMIO;
            assertEquals(new ExitReason.MmioWrite(GuestPhysAddr.of(b), AccessWidth.BYTE, 0x11), g.vcpu.run());
            for (int i = 0; i < 3; i++) {
                assertInstanceOf(ExitReason.MmioWrite.class, g.vcpu.run());
            }
            ExitReason.MmioRead r = assertInstanceOf(ExitReason.MmioRead.class, g.vcpu.run());
            assertEquals(new ExitReason.MmioRead(GuestPhysAddr.of(b + 0x10), AccessWidth.BYTE, -1, AccessWidth.BYTE, false), r);
            g.vcpu.completeRead(0x17f);
            assertEquals(new ExitReason.MmioWrite(GuestPhysAddr.of(ArmTestGuests.REPORT), AccessWidth.QWORD, 0x7f), g.vcpu.run(),
                    "only the access width's byte reaches the register");
        }
    }

    @Test
    void doorbellHypercallCarriesSixArgumentsAndItsReturnValueReachesX0() {
        try (ArmTestGuests g = new ArmTestGuests("hypercall")) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(new ExitReason.Hypercall(0x42, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666), g.vcpu.run(d));
            g.vcpu.setReturnValue(0x1234_5678_9abc_def0L);
            ExitReason second = g.vcpu.run(d);
            assertEquals(List.of(0x1234_5678_9abc_def0L, 0x1111L, 0x2222L, 0x3333L, 0x4444L, 0x5555L, 0x6666L),
                    d.reports.subList(0, 7), "x0 is the result, x1..x6 are kept");
            if (g.vm.hvcHypercallsForwarded()) {
                assertEquals(new ExitReason.Hypercall(0x42, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666), second);
                g.vcpu.setReturnValue(7);
                assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
                assertEquals(7L, d.reports.get(7));
            } else {
                // KVM keeps the HVC and answers NOT_SUPPORTED, clobbering x1..x3 as its PSCI code does.
                assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), second);
                assertEquals(List.of(-1L, 0L, 0L, 0L, 0x4444L, 0x5555L, 0x6666L), d.reports.subList(7, 14));
                assertTrue(g.vm.callCapabilities().startsWith("no SMCCC filter"), g.vm.callCapabilities());
            }
        }
    }

    @Test
    void kvmForwardsPsciCpuOnAndHvcHypercallsExactlyWhereItHasTheSmcccFilter() {
        try (ArmTestGuests g = new ArmTestGuests("spin")) {
            assertEquals(KernelQuirks.hasSmcccFilter(), g.vm.cpuOnForwarded(),
                    g.vm.callCapabilities() + " on Linux " + KernelQuirks.release());
            assertEquals(g.vm.cpuOnForwarded(), g.vm.hvcHypercallsForwarded());
        }
    }

    @Test
    void kickFromAnotherThreadReturnsARunningVcpuWithNothing() throws Exception {
        try (ArmTestGuests g = new ArmTestGuests("spin")) {
            g.vcpu.unbind();
            CompletableFuture<ExitReason> result = CompletableFuture.supplyAsync(() -> {
                g.vcpu.bind();
                return g.vcpu.run(new RecordingDevices());
            }, r -> Thread.ofPlatform().daemon().start(r));
            Thread.sleep(200);
            assertFalse(result.isDone(), "the guest spins until kicked");
            long start = System.nanoTime();
            g.vcpu.kick();
            assertEquals(ExitReason.Nothing.INSTANCE, result.get(10, TimeUnit.SECONDS));
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(latency.toSeconds() < 10, "kick took " + latency);
        }
    }

    @Test
    void coreAndSystemRegistersRoundTripThroughOneReg() {
        try (ArmTestGuests g = new ArmTestGuests("spin")) {
            for (int r = 0; r <= 30; r++) {
                g.vcpu.setGpr(r, 0x1111_0000_0000_0000L * (r % 15 + 1) + r);
            }
            for (int r = 0; r <= 30; r++) {
                assertEquals(0x1111_0000_0000_0000L * (r % 15 + 1) + r, g.vcpu.getGpr(r), "x" + r);
            }
            assertEquals(ArmPlatform.KERNEL_LOAD, g.vcpu.getRegister(ArmRegister.PC));
            assertEquals(ArmPlatform.ENTRY_PSTATE, g.vcpu.getRegister(ArmRegister.PSTATE), "EL1h, DAIF masked");
            for (ArmRegister r : List.of(ArmRegister.SP_EL0, ArmRegister.SP_EL1, ArmRegister.ELR_EL1, ArmRegister.VBAR_EL1,
                    ArmRegister.TPIDR_EL1, ArmRegister.MAIR_EL1, ArmRegister.TTBR0_EL1)) {
                g.vcpu.setRegister(r, 0x4010_0000L + r.ordinal() * 0x800L);
                assertEquals(0x4010_0000L + r.ordinal() * 0x800L, g.vcpu.getRegister(r), r.name());
            }
            assertEquals(ArmPlatform.mpidrOf(0), g.vcpu.getRegister(ArmRegister.MPIDR_EL1));
            assertEquals(ArmPlatform.mpidrOf(0), g.vcpu.mpidr());
            assertThrows(IllegalArgumentException.class, () -> g.vcpu.getGpr(31));
        }
    }

    @Test
    void mmioWithoutAnInstructionSyndromeStopsTheGuestWithAnErrorNamingThePc() {
        try (ArmTestGuests g = new ArmTestGuests("no-syndrome")) {
            VCpuException e = assertThrows(VCpuException.class, () -> g.vcpu.run(new RecordingDevices()));
            assertTrue(e.getMessage().startsWith("vCPU 0: the guest accessed MMIO at PC 0x40080004"), e.getMessage());
        }
    }

    @Test
    void callCompletionsWithoutTheMatchingExitAreRefused() {
        try (ArmTestGuests g = new ArmTestGuests("hello")) {
            assertThrows(IllegalStateException.class, () -> g.vcpu.completeRead(1));
            assertThrows(IllegalStateException.class, () -> g.vcpu.setReturnValue(1));
            assertThrows(IllegalArgumentException.class,
                    () -> g.vcpu.setup(new VCpuSetupConfig(EntryMode.LONG, 0, g.ram, 0)));
        }
    }

    @Test
    void aPowerOffLeavesNoVcpuRunnableForKvm() {
        try (ArmTestGuests g = new ArmTestGuests("hello")) {
            assertTrue(g.vcpu.poweredOn());
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(new RecordingDevices()));
            assertFalse(g.vcpu.poweredOn(), "KVM stops every vCPU on SYSTEM_OFF (PSCI function 0x"
                    + Long.toHexString(POWER_OFF) + ")");
        }
    }
}
