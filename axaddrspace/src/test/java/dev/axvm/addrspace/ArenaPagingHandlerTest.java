package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ArenaPagingHandlerTest {
    private static final long F = PagingHandler.FRAME_SIZE;

    @Test
    void framesAreAlignedZeroedDistinctAndCounted() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(64 * F)) {
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                HostPhysAddr f = h.allocFrame();
                assertTrue(f.isPageAligned(), f + " is 4 KiB aligned");
                assertTrue(h.owns(f));
                assertTrue(seen.add(f.value()), f + " handed out once");
                MemorySegment s = h.physToSegment(f, F);
                for (long off = 0; off < F; off += 8) {
                    assertEquals(0, s.get(ValueLayout.JAVA_LONG, off), "fresh frame zeroed at +" + off);
                }
                s.fill((byte) 0x5a);
            }
            assertEquals(10, h.liveFrames());
            for (long v : seen) {
                h.freeFrame(HostPhysAddr.of(v));
            }
            assertEquals(0, h.liveFrames());
            HostPhysAddr again = h.allocFrame();
            assertEquals(0, h.physToSegment(again, F).get(ValueLayout.JAVA_LONG, 8), "a reused frame is zeroed again");
        }
    }

    @Test
    void capacityIsRoundedUpToWholeFrames() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(F + 1)) {
            assertEquals(2, h.capacityFrames());
        }
    }

    @Test
    void runsHonourTheirAlignment() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(8L << 20)) {
            h.allocFrame(); // start the search off an aligned boundary
            for (int align : new int[] {1, 2, 4, 16, 512}) {
                HostPhysAddr run = h.allocFrames(3, align);
                assertTrue(run.isAligned(align * F), run + " aligned to " + align + " frames");
            }
            HostPhysAddr twoMiB = h.allocFrames(512, 512);
            assertTrue(twoMiB.isAligned(1L << 21), "2 MiB run 2 MiB aligned");
            assertEquals(1 + 5 * 3 + 512, h.liveFrames());
        }
    }

    @Test
    void exhaustionThrowsAndFreeingMakesRoomAgain() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(8 * F)) {
            List<HostPhysAddr> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(h.allocFrame());
            }
            FrameAllocationException e = assertThrows(FrameAllocationException.class, h::allocFrame);
            assertTrue(e.getMessage().contains("8 of 8"), e.getMessage());
            assertEquals(8, h.liveFrames(), "a failed allocation changes nothing");
            h.freeFrame(all.get(3));
            assertEquals(all.get(3), h.allocFrame(), "the freed frame is found again");
        }
    }

    @Test
    void fragmentedPoolRefusesALongRunThoughEnoughFramesAreFree() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(8 * F)) {
            List<HostPhysAddr> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(h.allocFrame());
            }
            for (int i = 0; i < 8; i += 2) {
                h.freeFrame(all.get(i));
            }
            assertEquals(4, h.liveFrames());
            assertThrows(FrameAllocationException.class, () -> h.allocFrames(2, 1));
            assertEquals(4, h.liveFrames());
        }
    }

    @Test
    void doubleFreeIsDetectedAndChangesNothing() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(8 * F)) {
            HostPhysAddr a = h.allocFrame();
            HostPhysAddr b = h.allocFrame();
            h.freeFrame(a);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.freeFrame(a));
            assertTrue(e.getMessage().contains(Long.toHexString(a.value())), e.getMessage());
            assertThrows(IllegalStateException.class, () -> h.freeFrames(a, 2), "a run with one free frame");
            assertEquals(1, h.liveFrames(), "b is still live after the refused frees");
            h.freeFrame(b);
            assertEquals(0, h.liveFrames());
        }
    }

    @Test
    void foreignAndMisalignedAddressesAreRefused() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(8 * F); ArenaPagingHandler other = new ArenaPagingHandler(8 * F)) {
            HostPhysAddr mine = h.allocFrame();
            HostPhysAddr theirs = other.allocFrame();
            assertFalse(h.owns(theirs));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.freeFrame(theirs));
            assertTrue(e.getMessage().contains(Long.toHexString(theirs.value())), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> h.freeFrame(mine.add(8)));
            assertThrows(IllegalArgumentException.class, () -> h.freeFrame(HostPhysAddr.of(-F)));
            assertThrows(IllegalArgumentException.class, () -> h.freeFrame(HostPhysAddr.of(Long.MIN_VALUE)));
            assertThrows(IllegalArgumentException.class, () -> h.freeFrames(mine, Integer.MAX_VALUE), "count past the end");
            assertThrows(IllegalArgumentException.class, () -> h.freeFrames(mine, 0));
            assertEquals(1, h.liveFrames());
            assertEquals(1, other.liveFrames());
        }
    }

    @Test
    void badAllocationArgumentsAreRefused() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(8 * F)) {
            assertThrows(IllegalArgumentException.class, () -> h.allocFrames(0, 1));
            assertThrows(IllegalArgumentException.class, () -> h.allocFrames(-1, 1));
            assertThrows(IllegalArgumentException.class, () -> h.allocFrames(1, 3));
            assertThrows(IllegalArgumentException.class, () -> h.allocFrames(1, 0));
            assertThrows(FrameAllocationException.class, () -> h.allocFrames(9, 1));
            assertEquals(0, h.liveFrames());
        }
        assertThrows(IllegalArgumentException.class, () -> new ArenaPagingHandler(0));
        assertThrows(IllegalArgumentException.class, () -> new ArenaPagingHandler(-1));
    }

    @Test
    void physToSegmentIsBoundedToTheBlock() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(8 * F)) {
            HostPhysAddr f = h.allocFrame();
            MemorySegment s = h.physToSegment(f, 16);
            assertEquals(16, s.byteSize());
            s.set(ValueLayout.JAVA_LONG, 8, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, h.physToSegment(f.add(8), 8).get(ValueLayout.JAVA_LONG, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> s.get(ValueLayout.JAVA_LONG, 16), "the segment itself is bounded");
            assertThrows(IllegalArgumentException.class, () -> h.physToSegment(f, 9 * F));
            assertThrows(IllegalArgumentException.class, () -> h.physToSegment(f, -1));
            assertThrows(IllegalArgumentException.class, () -> h.physToSegment(HostPhysAddr.of(f.value() - 16 * F), F));
            assertThrows(IllegalArgumentException.class, () -> h.physToSegment(HostPhysAddr.of(Long.MAX_VALUE), 1));
        }
    }

    @Test
    void closeIsIdempotentAndLaterUseIsRefused() {
        ArenaPagingHandler h = new ArenaPagingHandler(8 * F);
        HostPhysAddr f = h.allocFrame();
        MemorySegment s = h.physToSegment(f, F);
        h.close();
        h.close();
        assertThrows(IllegalStateException.class, h::allocFrame);
        assertThrows(IllegalStateException.class, () -> h.freeFrame(f));
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0), "segments die with the block");
    }

    @Test
    void concurrentAllocationAndFreeKeepTheCountExact() throws InterruptedException {
        try (ArenaPagingHandler h = new ArenaPagingHandler(1024 * F)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            Set<Long> collisions = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int round = 0; round < 2000; round++) {
                        HostPhysAddr a = h.allocFrame();
                        if (!collisions.add(a.value())) {
                            throw new AssertionError(a + " handed to two threads at once");
                        }
                        collisions.remove(a.value());
                        h.freeFrame(a);
                    }
                }));
            }
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(0, h.liveFrames());
        }
    }
}
