package dev.axvm.vcpu.riscv;

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
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real riscv64 guests on this host's KVM (run inside QEMU with the H-extension by bin/cross-arch-test). */
class RiscvVCpuKvmTest {
    private static final String MESSAGE = "Hello through SBI DBCN";

    @BeforeAll
    static void requireKvm() {
        RiscvTestGuests.requireKvm();
    }

    private static long littleEndian(String eightBytes) {
        return ByteBuffer.wrap(eightBytes.getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void dbcnConsoleGoesToThe16550WithoutAConsoleAndHostileBuffersAreRefused() {
        try (RiscvTestGuests g = new RiscvTestGuests("hello")) {
            assertTrue(g.vcpu.debugConsoleEnabled(), "KVM accepted DBCN through ONE_REG");
            RecordingDevices d = new RecordingDevices();
            d.type("axvm!xyz");
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
            assertEquals("Hello from riscv64\n" + MESSAGE + "\n", d.uart());
            assertEquals(List.of(0L, RiscvTestGuests.DTB, // a0 = hart id, a1 = DTB at entry
                    0L, (long) MESSAGE.length(),           // DBCN write: success, every byte
                    0L,                                    // write_byte
                    RiscvPlatform.SBI_ERR_INVALID_PARAM,   // buffer outside RAM
                    RiscvPlatform.SBI_ERR_INVALID_PARAM,   // length past the end of RAM
                    0L, 8L, littleEndian("axvm!xyz")), d.reports);
        }
    }

    @Test
    void aDebugConsoleTakesTheDbcnBytesAndFeedsItsReads() {
        try (RiscvTestGuests g = new RiscvTestGuests("hello")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            g.vm.setDebugConsole(new SbiDebugConsole() {
                @Override
                public int write(byte[] bytes, int offset, int length) {
                    out.write(bytes, offset, length);
                    return length;
                }

                @Override
                public int read(byte[] into, int offset, int length) {
                    byte[] in = "ok".getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(in, 0, into, offset, in.length);
                    return in.length;
                }
            });
            RecordingDevices d = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
            assertEquals(MESSAGE + "\n", out.toString(StandardCharsets.US_ASCII));
            assertEquals("Hello from riscv64\n", d.uart(), "only the guest's own UART stores reach the device");
            assertEquals(List.of(0L, 2L, littleEndian("ok\0\0\0\0\0\0")), d.reports.subList(7, 10));
        }
    }

    @Test
    void srstRebootIsASystemDownWithReasonReset() {
        try (RiscvTestGuests g = new RiscvTestGuests("hello", 1, false, 1)) {
            assertEquals(new ExitReason.SystemDown(Reason.RESET), g.vcpu.run(new RecordingDevices()));
        }
    }

    @Test
    void mmioStoresAndLoadsOfEveryWidthReachTheHandlerAndKvmExtendsLoads() {
        try (RiscvTestGuests g = new RiscvTestGuests("mmio")) {
            RecordingDevices d = new RecordingDevices();
            long b = RiscvTestGuests.TEST_MMIO;
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
                    "lbu lhu lwu ld zero-extend");
            List<Long> signed = d.reports.subList(4, 7);
            if (KernelQuirks.mmioLoadsLoseSignExtension()) {
                // KVM extends with a logical shift of an unsigned long: the register gets the raw datum.
                assertEquals(List.of(0x80L, 0x8001L, 0x8000_0001L), signed, "lb lh lw on " + KernelQuirks.release());
            } else {
                assertEquals(List.of(0xffff_ffff_ffff_ff80L, 0xffff_ffff_ffff_8001L, 0xffff_ffff_8000_0001L), signed,
                        "lb lh lw sign-extend");
            }
        }
    }

    @Test
    void withoutAHandlerMmioArrivesAsExitsAndReadsAreCompletedByTheCaller() {
        try (RiscvTestGuests g = new RiscvTestGuests("mmio")) {
            long b = RiscvTestGuests.TEST_MMIO;
            assertEquals(new ExitReason.MmioWrite(GuestPhysAddr.of(b), AccessWidth.BYTE, 0x11), g.vcpu.run());
            for (int i = 0; i < 3; i++) {
                assertInstanceOf(ExitReason.MmioWrite.class, g.vcpu.run());
            }
            assertEquals(new ExitReason.MmioRead(GuestPhysAddr.of(b + 0x10), AccessWidth.BYTE, -1, AccessWidth.BYTE, false),
                    g.vcpu.run());
            g.vcpu.completeRead(0x17f);
            assertEquals(new ExitReason.MmioWrite(GuestPhysAddr.of(RiscvTestGuests.REPORT), AccessWidth.QWORD, 0x7f),
                    g.vcpu.run());
        }
    }

    @Test
    void axvmsHypercallExtensionCarriesSixArgumentsAndItsReturnValueReachesA0() {
        try (RiscvTestGuests g = new RiscvTestGuests("hypercall")) {
            RecordingDevices d = new RecordingDevices();
            ExitReason first = g.vcpu.run(d);
            ExitReason.Hypercall call = new ExitReason.Hypercall(0x42, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666);
            assertEquals(call, first, "AxVisor's id is answered by KVM, AxVM's reaches the VMM");
            assertEquals(List.of(RiscvPlatform.SBI_ERR_NOT_SUPPORTED, 0L), d.reports,
                    "KVM keeps AxVisor's extension id 0x485643 to itself: a0 = NOT_SUPPORTED, a1 = 0");
            g.vcpu.setReturnValue(0x1234_5678_9abc_def0L);
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
            assertEquals(List.of(0x1234_5678_9abc_def0L, 0x2222L), d.reports.subList(2, 4), "a0 the result, a1 kept");
        }
    }

    @Test
    void kickFromAnotherThreadReturnsARunningVcpuWithNothing() throws Exception {
        try (RiscvTestGuests g = new RiscvTestGuests("spin")) {
            g.vcpu.unbind();
            CompletableFuture<ExitReason> result = CompletableFuture.supplyAsync(() -> {
                g.vcpu.bind();
                return g.vcpu.run(new RecordingDevices());
            }, r -> Thread.ofPlatform().daemon().start(r));
            Thread.sleep(200);
            assertFalse(result.isDone(), "the guest spins until kicked");
            g.vcpu.kick();
            assertEquals(ExitReason.Nothing.INSTANCE, result.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void coreRegistersAndCsrsRoundTripThroughOneReg() {
        try (RiscvTestGuests g = new RiscvTestGuests("spin")) {
            assertEquals(RiscvPlatform.KERNEL_LOAD, g.vcpu.getRegister(RiscvRegister.PC));
            assertEquals(0, g.vcpu.getGpr(10), "a0 = hart id");
            assertEquals(RiscvTestGuests.DTB, g.vcpu.getGpr(11), "a1 = DTB");
            assertEquals(1, g.vcpu.getRegister(RiscvRegister.MODE), "S-mode");
            for (int r = 1; r <= 31; r++) {
                g.vcpu.setGpr(r, 0x1111_0000_0000_0000L * (r % 15 + 1) + r);
            }
            for (int r = 1; r <= 31; r++) {
                assertEquals(0x1111_0000_0000_0000L * (r % 15 + 1) + r, g.vcpu.getGpr(r), "x" + r);
            }
            assertEquals(0, g.vcpu.getGpr(0));
            assertThrows(IllegalArgumentException.class, () -> g.vcpu.setGpr(0, 1));
            for (RiscvRegister r : List.of(RiscvRegister.SSCRATCH, RiscvRegister.STVEC, RiscvRegister.SEPC)) {
                g.vcpu.setRegister(r, 0x8030_0000L + r.ordinal() * 0x100L);
                assertEquals(0x8030_0000L + r.ordinal() * 0x100L, g.vcpu.getRegister(r), r.name());
            }
            g.vcpu.getRegister(RiscvRegister.SSTATUS);
            g.vcpu.getRegister(RiscvRegister.SATP);
        }
    }

    @Test
    void kvmReportsTheSbiExtensionsTheGuestUses() {
        try (RiscvTestGuests g = new RiscvTestGuests("spin")) {
            assertTrue(g.vcpu.sbiExtensionEnabled(9), "DBCN, switched on by the vCPU");
            assertTrue(g.vcpu.sbiExtensionEnabled(5), "HSM");
            assertTrue(g.vcpu.sbiExtensionEnabled(4), "SRST");
        }
    }

    @Test
    void mmioWithAnInstructionKvmCannotEmulateStopsTheGuestWithAnErrorNamingThePc() {
        try (RiscvTestGuests g = new RiscvTestGuests("amo-mmio")) {
            VCpuException e = assertThrows(VCpuException.class, () -> g.vcpu.run(new RecordingDevices()));
            assertTrue(e.getMessage().startsWith("vCPU 0: KVM_RUN(vCPU 0) failed: "), e.getMessage());
            assertTrue(e.getMessage().endsWith(String.format("at PC 0x%x", RiscvPlatform.KERNEL_LOAD + 6)), e.getMessage());
        }
    }

    @Test
    void completionsWithoutTheMatchingExitAreRefused() {
        try (RiscvTestGuests g = new RiscvTestGuests("hello")) {
            assertThrows(IllegalStateException.class, () -> g.vcpu.completeRead(1));
            assertThrows(IllegalStateException.class, () -> g.vcpu.setReturnValue(1));
            assertThrows(IllegalStateException.class, () -> g.vcpu.setSbiReturn(0, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> g.vcpu.setup(new VCpuSetupConfig(EntryMode.PROTECTED, 0, g.ram, 0)));
        }
    }
}
