package dev.axvm.device.irq;

import static dev.axvm.device.irq.PrivilegeMode.MACHINE;
import static dev.axvm.device.irq.PrivilegeMode.SUPERVISOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.AccessOutcome;
import dev.axvm.device.AccessStatus;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.AxVmDevices;
import dev.axvm.device.DeviceAccessException;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.TriggerMode;
import org.junit.jupiter.api.Test;

/** The PLIC's register map and its priority, threshold, enable, claim and complete rules, against the RISC-V PLIC specification and QEMU's virt machine. */
class PlicRegisterTest {
    private static final long BASE = Plic.VIRT_BASE;
    /** Hart 0's S-mode context, the one a KVM guest's Linux uses. */
    private static final int S0 = SUPERVISOR.context(0);
    private static final int S1 = SUPERVISOR.context(1);

    private final RecordingExternalInterruptTarget harts = new RecordingExternalInterruptTarget();
    private final Plic plic = Plic.virt(2, harts);
    private final DeviceContext ctx = new DeviceContext(1, 0, new ArrayGuestMemory(0, 16));

    private long read(long offset) {
        return plic.handleRead(BASE + offset, AccessWidth.DWORD, ctx);
    }

    private void write(long offset, long value) {
        plic.handleWrite(BASE + offset, AccessWidth.DWORD, value & 0xFFFF_FFFFL, ctx);
    }

    private void priority(int source, int value) {
        write(4L * source, value);
    }

    private void enable(int context, int... sources) {
        int[] words = new int[(plic.sources() + 31) / 32];
        for (int s : sources) {
            words[s / 32] |= 1 << (s % 32);
        }
        for (int w = 0; w < words.length; w++) {
            write(Plic.enableOffset(context) + 4L * w, words[w]);
        }
    }

    private int claim(int context) {
        return (int) read(Plic.claimOffset(context));
    }

    private void complete(int context, int source) {
        write(Plic.claimOffset(context), source);
    }

    @Test
    void virtMachineLayoutIsQemus() {
        assertEquals(new GuestPhysAddrRange(0x0c00_0000L, 0x60_0000L), plic.addressRange());
        assertEquals(96, plic.sources());
        assertEquals(2, plic.harts());
        assertEquals(4, plic.contexts());
        assertEquals(EmulatedDeviceType.INTERRUPT_CONTROLLER, plic.emulatedType());
        assertEquals("plic", plic.name());
        assertEquals(0, MACHINE.context(0));
        assertEquals(1, SUPERVISOR.context(0));
        assertEquals(6, MACHINE.context(3));
        assertEquals(7, SUPERVISOR.context(3));
        assertEquals(SUPERVISOR, PrivilegeMode.ofContext(7));
        assertEquals(MACHINE, PrivilegeMode.ofContext(6));
        assertEquals(0x2080, Plic.enableOffset(1));
        assertEquals(0x201000, Plic.thresholdOffset(1));
        assertEquals(0x201004, Plic.claimOffset(1));
        assertEquals(0x1F1F80, Plic.enableOffset(15871));
        assertEquals(0x3FFF004, Plic.claimOffset(15871));
        assertThrows(IllegalArgumentException.class, () -> Plic.enableOffset(15872));
        assertThrows(IllegalArgumentException.class, () -> Plic.claimOffset(-1));
    }

    @Test
    void registersSitWhereTheSpecificationPutsThem() {
        write(0x004, 1);
        write(0x17C, 6);
        assertEquals(1, read(0x004), "source 1 priority");
        assertEquals(6, read(0x17C), "source 95 priority");
        write(0x2000, 0x0000_0400);
        write(0x2084, 0x8000_0002);
        write(0x2108, 0x8000_0000);
        assertEquals(0x400, read(0x2000), "context 0, sources 0..31");
        assertEquals(0x8000_0002L, read(0x2084), "context 1, sources 33 and 63");
        assertEquals(0x8000_0000L, read(0x2108), "context 2, sources 64..95");
        write(0x200000, 1);
        write(0x203000, 5);
        assertEquals(1, read(0x200000), "context 0 threshold");
        assertEquals(5, read(0x203000), "context 3 threshold");
        plic.setLine(33, true);
        plic.setLine(95, true);
        assertEquals(0x2, read(0x1004), "pending 32..63");
        assertEquals(0x8000_0000L, read(0x1008), "pending 64..95");
        priority(33, 1);
        assertEquals(33, read(0x201004), "context 1 claims source 33");
        assertEquals(0, read(0x1004), "the claim cleared its pending bit");
    }

    @Test
    void priorityAndThresholdKeepTheirThreeWarlBits() {
        priority(10, 0xFFFF_FFFF);
        assertEquals(7, read(40));
        priority(10, 9);
        assertEquals(1, read(40));
        write(Plic.thresholdOffset(S0), 0xFFFF_FFFFL);
        assertEquals(7, read(Plic.thresholdOffset(S0)));
        write(Plic.thresholdOffset(S0), 0x12);
        assertEquals(2, read(Plic.thresholdOffset(S0)));
    }

    @Test
    void sourceZeroAndAbsentSourcesAreHardWiredToZero() {
        priority(0, 7);
        assertEquals(0, read(0), "source 0 priority");
        priority(96, 7);
        assertEquals(0, read(4 * 96), "source 96 does not exist");
        assertEquals(0, read(0xFFC), "source 1023 does not exist");
        write(Plic.enableOffset(S0), 0xFFFF_FFFFL);
        assertEquals(0xFFFF_FFFEL, read(Plic.enableOffset(S0)), "enable bit 0 is hard-wired");
        write(Plic.enableOffset(S0) + 8, 0xFFFF_FFFFL);
        assertEquals(0xFFFF_FFFFL, read(Plic.enableOffset(S0) + 8), "sources 64..95 exist");
        write(Plic.enableOffset(S0) + 12, 0xFFFF_FFFFL);
        assertEquals(0, read(Plic.enableOffset(S0) + 12), "sources 96..127 do not");

        Plic small = new Plic("small", BASE, Plic.VIRT_SIZE, 40, 1, harts);
        small.handleWrite(BASE + Plic.enableOffset(1) + 4, AccessWidth.DWORD, 0xFFFF_FFFFL, ctx);
        assertEquals(0xFF, small.handleRead(BASE + Plic.enableOffset(1) + 4, AccessWidth.DWORD, ctx),
                "sources 32..39 of 40");
        small.setLine(40, true);
        small.setLine(39, true);
        assertEquals(0x80, small.handleRead(BASE + 0x1004, AccessWidth.DWORD, ctx), "only source 39 exists");
        assertFalse(small.isPending(40));
    }

    @Test
    void pendingBitsAreReadOnlyAndFollowAnUnclaimedLine() {
        plic.setLine(10, true);
        assertEquals(1 << 10, read(0x1000));
        write(0x1000, 0);
        assertEquals(1 << 10, read(0x1000), "a write does not clear pending");
        write(0x1000, 0xFFFF_FFFFL);
        assertEquals(1 << 10, read(0x1000), "nor set it");
        plic.setLine(10, false);
        assertEquals(0, read(0x1000), "a line lowered before the claim withdraws the request");
        assertFalse(plic.isPending(10));
    }

    @Test
    void claimTakesTheHighestPriorityThenTheLowestId() {
        priority(3, 2);
        priority(5, 5);
        priority(7, 5);
        priority(9, 1);
        enable(S0, 3, 5, 7, 9);
        for (int s : new int[] {9, 7, 5, 3}) {
            plic.setLine(s, true);
        }
        assertEquals(5, claim(S0));
        assertEquals(7, claim(S0));
        assertEquals(3, claim(S0));
        assertEquals(9, claim(S0));
        assertEquals(0, claim(S0), "nothing left");
        for (int s : new int[] {3, 5, 7, 9}) {
            assertTrue(plic.isClaimed(s));
            assertFalse(plic.isPending(s), "claimed sources are not pending while their lines stay high");
        }
    }

    @Test
    void thresholdMasksPrioritiesAtOrBelowIt() {
        priority(4, 3);
        enable(S0, 4);
        write(Plic.thresholdOffset(S0), 3);
        plic.setLine(4, true);
        assertFalse(plic.outputLevel(0, SUPERVISOR), "priority 3 is not above threshold 3");
        assertEquals(0, claim(S0), "claims honour the threshold, as QEMU's do");
        assertTrue(plic.isPending(4), "a refused claim leaves the source pending");
        write(Plic.thresholdOffset(S0), 2);
        assertTrue(plic.outputLevel(0, SUPERVISOR));
        assertEquals(4, claim(S0));
    }

    @Test
    void priorityZeroNeverInterrupts() {
        enable(S0, 6);
        plic.setLine(6, true);
        assertFalse(plic.outputLevel(0, SUPERVISOR));
        assertEquals(0, claim(S0));
        priority(6, 1);
        assertTrue(plic.outputLevel(0, SUPERVISOR));
        priority(6, 0);
        assertFalse(plic.outputLevel(0, SUPERVISOR), "lowering the priority to 0 withdraws the notification");
    }

    @Test
    void onlyContextsThatEnableASourceSeeOrClaimIt() {
        priority(12, 1);
        enable(S1, 12);
        plic.setLine(12, true);
        assertFalse(plic.outputLevel(0, SUPERVISOR));
        assertTrue(plic.outputLevel(1, SUPERVISOR));
        assertEquals(0, claim(S0), "context of hart 0 does not enable 12");
        assertEquals(12, claim(S1));
    }

    @Test
    void completeReArmsAStillHighLine() {
        priority(10, 1);
        enable(S0, 10);
        plic.setLine(10, true);
        assertEquals(10, claim(S0));
        assertFalse(plic.outputLevel(0, SUPERVISOR));
        complete(S0, 10);
        assertTrue(plic.isPending(10), "the line is still high: a new request at once");
        assertTrue(plic.outputLevel(0, SUPERVISOR));
        assertEquals(10, claim(S0));
    }

    @Test
    void completeOfALoweredLineLeavesTheSourceIdle() {
        priority(10, 1);
        enable(S0, 10);
        plic.setLine(10, true);
        assertEquals(10, claim(S0));
        plic.setLine(10, false);
        complete(S0, 10);
        assertFalse(plic.isPending(10));
        assertFalse(plic.isClaimed(10));
        assertEquals(0, claim(S0));
        plic.setLine(10, true);
        assertEquals(10, claim(S0), "the re-armed gateway forwards the next assertion");
    }

    @Test
    void aClaimedSourceStaysQuietUntilCompleted() {
        priority(10, 1);
        enable(S0, 10);
        plic.setLine(10, true);
        assertEquals(10, claim(S0));
        plic.setLine(10, false);
        plic.setLine(10, true);
        plic.setLine(10, false);
        plic.setLine(10, true);
        assertFalse(plic.isPending(10), "the gateway forwards nothing before the completion");
        assertFalse(plic.outputLevel(0, SUPERVISOR));
        assertEquals(0, claim(S0));
        complete(S0, 10);
        assertEquals(10, claim(S0));
    }

    @Test
    void completionIsIgnoredUnlessTheSourceIsEnabledForTheCompletingContext() {
        priority(20, 1);
        enable(S0, 20);
        enable(S1, 20);
        plic.setLine(20, true);
        assertEquals(20, claim(S0));
        enable(S0);
        complete(S0, 20);
        assertTrue(plic.isClaimed(20), "context 1 no longer enables 20: its completion is ignored");
        complete(S0, 0);
        complete(S0, 96);
        complete(S0, -1);
        assertTrue(plic.isClaimed(20), "completions of absent ids are ignored");
        complete(S1, 20);
        assertFalse(plic.isClaimed(20), "another context that enables 20 may complete it");
        assertTrue(plic.outputLevel(1, SUPERVISOR), "and the still-high line is pending again");
    }

    @Test
    void completingAnUnclaimedSourceChangesNothing() {
        priority(21, 1);
        enable(S0, 21);
        plic.setLine(21, true);
        complete(S0, 21);
        assertTrue(plic.isPending(21));
        assertFalse(plic.isClaimed(21));
        assertEquals(21, claim(S0));
    }

    @Test
    void linesOutsideTheSourcesAreIgnored() {
        for (int line : new int[] {0, 96, 1023, 1024, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            plic.setLine(line, true);
            plic.setLine(line, false);
            plic.setLine(line, true);
        }
        for (int w = 0; w < 32; w++) {
            assertEquals(0, read(0x1000 + 4L * w), "pending word " + w);
        }
        assertEquals(0, harts.changes().size());
    }

    @Test
    void contextsBeyondTheHartsReadZeroAndIgnoreWrites() {
        int absent = plic.contexts();
        write(Plic.enableOffset(absent), 0xFFFF_FFFFL);
        write(Plic.thresholdOffset(absent), 3);
        assertEquals(0, read(Plic.enableOffset(absent)));
        assertEquals(0, read(Plic.thresholdOffset(absent)));
        priority(1, 1);
        plic.setLine(1, true);
        assertEquals(0, read(Plic.claimOffset(absent)));
        assertTrue(plic.isPending(1), "a claim by an absent context takes nothing");
        assertEquals(0, read(Plic.claimOffset(1023)), "the last context the window holds");
        assertEquals(0, read(0x200008), "reserved word after context 0's claim register");
        assertEquals(0, read(0x1080), "past the pending bits");
        assertEquals(0, read(0x1F2000), "past the enable bits");
    }

    @Test
    void otherWidthsAndUnalignedOffsetsAreRefusedAndChangeNothing() {
        priority(10, 5);
        enable(S0, 10);
        plic.setLine(10, true);
        for (AccessWidth w : new AccessWidth[] {AccessWidth.BYTE, AccessWidth.WORD, AccessWidth.QWORD, null}) {
            DeviceAccessException e = assertThrows(DeviceAccessException.class,
                    () -> plic.handleRead(BASE + Plic.claimOffset(S0), w, ctx));
            assertTrue(e.getMessage().contains("0x201004"), e.getMessage());
            assertTrue(e.getMessage().contains("plic"), e.getMessage());
            assertThrows(DeviceAccessException.class, () -> plic.handleWrite(BASE + 40, w, 0, ctx));
        }
        assertThrows(DeviceAccessException.class, () -> plic.handleRead(BASE + 42, AccessWidth.DWORD, ctx));
        assertThrows(DeviceAccessException.class, () -> plic.handleWrite(BASE + 41, AccessWidth.DWORD, 0, ctx));
        assertThrows(DeviceAccessException.class, () -> plic.handleRead(BASE - 4, AccessWidth.DWORD, ctx),
                "an address below the window, from a caller other than the registry");
        assertThrows(DeviceAccessException.class, () -> plic.handleRead(BASE + Plic.VIRT_SIZE, AccessWidth.DWORD, ctx));

        AxVmDevices devices = new AxVmDevices();
        devices.add(plic);
        AccessOutcome out = new AccessOutcome(ctx);
        assertEquals(AccessStatus.FAILED, devices.mmioRead(BASE + Plic.claimOffset(S0), AccessWidth.WORD, out));
        assertInstanceOf(DeviceAccessException.class, out.failure());
        assertEquals(AccessStatus.FAILED, devices.mmioWrite(BASE + 40, AccessWidth.BYTE, 0, out));
        assertEquals(5, read(40), "the refused write left the priority alone");
        assertTrue(plic.isPending(10), "the refused claim took nothing");
        assertEquals(AccessStatus.COMPLETED, devices.mmioRead(BASE + Plic.claimOffset(S0), AccessWidth.DWORD, out));
        assertEquals(10, out.value());
    }

    @Test
    void resetClearsEveryRegisterAndClaimButKeepsTheLines() {
        priority(10, 5);
        priority(11, 5);
        enable(S0, 10, 11);
        write(Plic.thresholdOffset(S0), 1);
        plic.setLine(10, true);
        plic.setLine(11, true);
        assertEquals(10, claim(S0));
        assertTrue(plic.outputLevel(0, SUPERVISOR));
        plic.reset();
        assertEquals(0, read(40));
        assertEquals(0, read(Plic.enableOffset(S0)));
        assertEquals(0, read(Plic.thresholdOffset(S0)));
        assertFalse(plic.isClaimed(10));
        assertEquals((1 << 10) | (1 << 11), read(0x1000), "both lines are high, so both are pending");
        assertFalse(plic.outputLevel(0, SUPERVISOR));
        assertFalse(harts.level(0, SUPERVISOR), "the target heard the output drop");
    }

    @Test
    void devicesDriveSourcesThroughTheirInterruptLines() {
        priority(10, 1);
        enable(S0, 10);
        InterruptLine uartIrq = new InterruptLine(plic, 10, TriggerMode.LEVEL);
        uartIrq.raise();
        assertTrue(harts.level(0, SUPERVISOR));
        assertEquals(10, claim(S0));
        uartIrq.lower();
        complete(S0, 10);
        assertFalse(harts.level(0, SUPERVISOR));
        assertEquals(0, claim(S0));
    }

    @Test
    void constructorRefusesImpossibleShapes() {
        assertThrows(IllegalArgumentException.class, () -> new Plic("p", BASE, Plic.VIRT_SIZE, 1, 1, harts));
        assertThrows(IllegalArgumentException.class, () -> new Plic("p", BASE, Plic.VIRT_SIZE, 1025, 1, harts));
        assertThrows(IllegalArgumentException.class, () -> new Plic("p", BASE, Plic.VIRT_SIZE, 96, 0, harts));
        assertThrows(IllegalArgumentException.class, () -> new Plic("p", BASE, Plic.MAX_SIZE, 96, 7937, harts));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new Plic("p", BASE, 0x20_3FFF, 96, 2, harts));
        assertTrue(small.getMessage().contains("'p'") && small.getMessage().contains("0x204000"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Plic("p", BASE, Plic.MAX_SIZE + 4, 96, 2, harts));
        assertThrows(IllegalArgumentException.class, () -> new Plic("p", -0x1000L, Plic.VIRT_SIZE, 96, 2, harts));
        assertThrows(IllegalArgumentException.class, () -> Plic.virt(513, harts), "512 harts fill virt's window");
        assertEquals(1024, Plic.virt(512, harts).contexts());
        Plic biggest = new Plic("p", BASE, Plic.MAX_SIZE, Plic.MAX_SOURCES, 7936, harts);
        assertEquals(15872, biggest.contexts());
        assertThrows(NullPointerException.class, () -> new Plic("p", BASE, Plic.VIRT_SIZE, 96, 2, null));
        assertThrows(IllegalArgumentException.class, () -> plic.outputLevel(2, SUPERVISOR));
    }
}
