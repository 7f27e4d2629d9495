package dev.axvm.vcpu.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real guests on this host's KVM, one per exit kind and entry mode. */
class X86VCpuKvmTest {

    @BeforeAll
    static void requireKvm() {
        X86TestGuests.requireKvm();
    }

    private static ExitReason runToExit(X86TestGuests g, RecordingDevices devices) {
        return g.vcpu.run(devices);
    }

    @Test
    void realModeGuestPrintsOnCom1AndPowersOff() {
        try (X86TestGuests g = new X86TestGuests("hello-real", EntryMode.REAL)) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runToExit(g, d));
            assertEquals("Hello from real mode\n", d.console());
        }
    }

    @Test
    void defaultEntryModeIsRealModeAsAxVisorStartsItsGuests() {
        try (X86TestGuests g = new X86TestGuests("hello-real", EntryMode.DEFAULT)) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runToExit(g, d));
            assertEquals("Hello from real mode\n", d.console());
        }
    }

    @Test
    void protectedModeGuestPrintsOnCom1AndPowersOff() {
        try (X86TestGuests g = new X86TestGuests("hello-protected", EntryMode.PROTECTED)) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runToExit(g, d));
            assertEquals("Hello from protected mode\n", d.console());
            X86SpecialRegisters s = g.vcpu.specialRegisters();
            assertEquals(X86SpecialRegisters.CR0_PE, s.cr0() & X86SpecialRegisters.CR0_PE, "CR0.PE");
            assertEquals(0, s.efer() & X86SpecialRegisters.EFER_LMA, "EFER.LMA");
        }
    }

    @Test
    void longModeGuestPrintsOnCom1AndPowersOff() {
        try (X86TestGuests g = new X86TestGuests("hello-long", EntryMode.LONG)) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runToExit(g, d));
            assertEquals("Hello from long mode\n", d.console());
            assertTrue(g.vcpu.specialRegisters().cs().l(), "CS.L: 64-bit code");
        }
    }

    @Test
    void mmioStoresAndLoadsOfEveryWidthReachTheHandlerWithSignExtensionByTheCpu() {
        try (X86TestGuests g = new X86TestGuests("mmio", EntryMode.LONG)) {
            RecordingDevices d = new RecordingDevices();
            long b = X86TestGuests.MMIO_BASE;
            d.mmioValues.put(b + 0x10, 0xa5L);
            d.mmioValues.put(b + 0x12, 0xbeefL);
            d.mmioValues.put(b + 0x14, 0xdead_beefL);
            d.mmioValues.put(b + 0x18, 0x0123_4567_89ab_cdefL);
            d.mmioValues.put(b + 0x20, 0x80L);
            d.mmioValues.put(b + 0x22, 0x8001L);
            d.mmioValues.put(b + 0x24, 0x8000_0001L);
            assertEquals(ExitReason.Halt.INSTANCE, runToExit(g, d));
            assertEquals(List.of(new RecordingDevices.Access(b, AccessWidth.BYTE, 0x11),
                    new RecordingDevices.Access(b + 2, AccessWidth.WORD, 0x2222),
                    new RecordingDevices.Access(b + 4, AccessWidth.DWORD, 0x3333_3333L),
                    new RecordingDevices.Access(b + 8, AccessWidth.QWORD, 0x4444_4444_5555_5555L)), d.mmioWrites);
            assertEquals(List.of(0xa5L, 0xbeefL, 0xdead_beefL, 0x0123_4567_89ab_cdefL, 0xffff_ffff_ffff_ff80L,
                    0xffff_ffff_ffff_8001L, 0xffff_ffff_8000_0001L), d.reportedQuads());
        }
    }

    @Test
    void withoutAHandlerMmioArrivesAsExitsAndReadsAreCompletedByTheCaller() {
        try (X86TestGuests g = new X86TestGuests("mmio", EntryMode.LONG)) {
            long b = X86TestGuests.MMIO_BASE;
            ExitReason first = g.vcpu.run();
            assertEquals(new ExitReason.MmioWrite(dev.axvm.addrspace.GuestPhysAddr.of(b), AccessWidth.BYTE, 0x11), first);
            for (int i = 0; i < 3; i++) {
                assertInstanceOf(ExitReason.MmioWrite.class, g.vcpu.run());
            }
            ExitReason read = g.vcpu.run();
            ExitReason.MmioRead r = assertInstanceOf(ExitReason.MmioRead.class, read);
            assertEquals(b + 0x10, r.addr().value());
            assertEquals(AccessWidth.BYTE, r.width());
            g.vcpu.completeRead(0x7f);
            ExitReason report = g.vcpu.run();
            assertEquals(new ExitReason.IoWrite(dev.axvm.addrspace.Port.of(X86TestGuests.REPORT_PORT), AccessWidth.DWORD,
                    0x7f), report);
        }
    }

    @Test
    void stringIoIsServedOneElementAtATimeInBothDirections() {
        try (X86TestGuests g = new X86TestGuests("string-io", EntryMode.REAL)) {
            RecordingDevices d = new RecordingDevices();
            for (char c : "WXYZ".toCharArray()) {
                d.input.add((long) c);
            }
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), runToExit(g, d));
            assertEquals("string I/O\nWXYZ", d.console());
        }
    }

    @Test
    void withoutAHandlerStringIoArrivesAsOneExitPerElement() {
        try (X86TestGuests g = new X86TestGuests("string-io", EntryMode.REAL)) {
            StringBuilder out = new StringBuilder();
            int reads = 0;
            for (;;) {
                ExitReason e = g.vcpu.run();
                if (e instanceof ExitReason.IoWrite w && w.port().number() == X86TestGuests.COM1) {
                    out.append((char) w.data());
                } else if (e instanceof ExitReason.IoRead r) {
                    assertEquals(X86TestGuests.INPUT_PORT, r.port().number());
                    g.vcpu.completeRead('a' + reads++);
                } else {
                    assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), e);
                    break;
                }
            }
            assertEquals(4, reads);
            assertEquals("string I/O\nabcd", out.toString());
        }
    }

    @Test
    void hypercallCarriesSixArgumentsAndItsReturnValueReachesTheGuest() {
        try (X86TestGuests g = new X86TestGuests("hypercall", EntryMode.LONG)) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(new ExitReason.Hypercall(0x42, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666), runToExit(g, d));
            g.vcpu.setReturnValue(0x1234_5678_9abc_def0L);
            assertEquals(ExitReason.Halt.INSTANCE, runToExit(g, d));
            assertEquals(List.of(0x1234_5678_9abc_def0L), d.reportedQuads());
        }
    }

    @Test
    void guestSeesTheHypervisorBitOurSignatureAndNoVirtualizationExtensions() {
        try (X86TestGuests g = new X86TestGuests("cpuid", EntryMode.LONG)) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(ExitReason.Halt.INSTANCE, runToExit(g, d));
            List<Long> r = d.reports;
            long leaf1Ecx = r.get(0);
            long leaf1Ebx = r.get(1);
            long extEcx = r.get(2);
            assertTrue((leaf1Ecx & 1L << 31) != 0, "CPUID.1:ECX[31] hypervisor present");
            assertEquals(0, leaf1Ecx & 1 << 5, "CPUID.1:ECX[5] VMX hidden");
            assertEquals(0, leaf1Ebx >>> 24, "CPUID.1:EBX[31:24] initial APIC id of vCPU 0");
            assertEquals(0, extEcx & 1 << 2, "CPUID.80000001h:ECX[2] SVM hidden");
            assertEquals(0x4000_0000L, r.get(3), "CPUID.40000000h:EAX highest hypervisor leaf");
            ByteBuffer sig = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            sig.putInt(r.get(4).intValue()).putInt(r.get(5).intValue()).putInt(r.get(6).intValue());
            assertEquals(CpuidPolicy.SIGNATURE, new String(sig.array(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void interruptInjectedWhileTheGuestHaltsRunsItsHandler() {
        try (X86TestGuests g = new X86TestGuests("interrupt", EntryMode.LONG)) {
            RecordingDevices d = new RecordingDevices();
            assertEquals(ExitReason.Halt.INSTANCE, runToExit(g, d));
            assertEquals(List.of(1L), d.reports, "the guest said it is ready");
            g.vcpu.injectInterrupt(0x40);
            assertTrue(g.vcpu.hasPendingInterrupt());
            ExitReason e = runToExit(g, d);
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), e);
            assertEquals(List.of(1L, 0x40L), d.reports);
            assertFalse(g.vcpu.hasPendingInterrupt());
        }
    }

    /**
     * Hardware VT-x/SVM report a triple fault as KVM_EXIT_SHUTDOWN, which is SystemDown(CRASH). KVM's
     * PVM backend (this development host) cannot deliver an exception through an empty IDT and reports
     * an emulation failure instead, which the vCPU turns into a VCpuException naming RIP. Either way the
     * guest stops and the host learns where.
     */
    @Test
    void tripleFaultStopsTheGuestAsACrashOrAnEmulationFailureNamingRip() {
        try (X86TestGuests g = new X86TestGuests("triple-fault", EntryMode.LONG)) {
            try {
                assertEquals(new ExitReason.SystemDown(Reason.CRASH), runToExit(g, new RecordingDevices()));
            } catch (dev.axvm.vcpu.VCpuException e) {
                assertTrue(e.getMessage().startsWith("vCPU 0: KVM internal error: emulation failure (sub-error 1) at RIP 0x800"),
                        e.getMessage());
            }
        }
    }

    @Test
    void kickFromAnotherThreadReturnsARunningVcpuWithinMilliseconds() throws Exception {
        try (X86TestGuests g = new X86TestGuests("spin", EntryMode.LONG)) {
            // The vCPU belongs to the thread that bound it: rebind on the runner thread.
            g.vcpu.unbind();
            CompletableFuture<ExitReason> result = CompletableFuture.supplyAsync(() -> {
                g.vcpu.bind();
                return g.vcpu.run(new RecordingDevices());
            }, r -> Thread.ofPlatform().daemon().start(r));
            Thread.sleep(100);
            assertFalse(result.isDone(), "the guest spins until kicked");
            long start = System.nanoTime();
            g.vcpu.kick();
            ExitReason e = result.get(2, TimeUnit.SECONDS);
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(ExitReason.Nothing.INSTANCE, e);
            assertTrue(latency.toMillis() < 1000, "kick took " + latency);
        }
    }

    @Test
    void generalRegistersRoundTrip() {
        try (X86TestGuests g = new X86TestGuests("spin", EntryMode.LONG)) {
            for (int r = 0; r < 16; r++) {
                g.vcpu.setGpr(r, 0x1111_0000_0000_0000L * (r + 1) + r);
            }
            for (int r = 0; r < 16; r++) {
                assertEquals(0x1111_0000_0000_0000L * (r + 1) + r, g.vcpu.getGpr(r), "register " + X86Register.of(r));
            }
            g.vcpu.setRegister(X86Register.RIP, 0x9000);
            assertEquals(0x9000, g.vcpu.getRegister(X86Register.RIP));
            assertThrows(IllegalArgumentException.class, () -> g.vcpu.getGpr(18));
        }
    }

    @Test
    void specialRegistersAndMsrsRoundTrip() {
        try (X86TestGuests g = new X86TestGuests("spin", EntryMode.LONG)) {
            X86SpecialRegisters s = g.vcpu.specialRegisters();
            X86SpecialRegisters changed = s.withControl(new X86DescriptorTable(0x5000, 0x2f), new X86DescriptorTable(0x6000, 0xfff),
                    s.cr0(), s.cr3(), s.cr4(), s.efer());
            g.vcpu.setSpecialRegisters(changed);
            X86SpecialRegisters back = g.vcpu.specialRegisters();
            assertEquals(changed.gdt(), back.gdt());
            assertEquals(changed.idt(), back.idt());
            assertEquals(changed.cs(), back.cs());
            int sysenterCs = 0x174;
            g.vcpu.setMsr(sysenterCs, 0x10);
            assertEquals(0x10, g.vcpu.getMsr(sysenterCs));
        }
    }

    @Test
    void readCompletionWithoutAReadExitIsRefused() {
        try (X86TestGuests g = new X86TestGuests("hello-real", EntryMode.REAL)) {
            assertThrows(IllegalStateException.class, () -> g.vcpu.completeRead(1));
            assertThrows(IllegalStateException.class, () -> g.vcpu.setReturnValue(1));
        }
    }
}
