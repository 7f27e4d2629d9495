package dev.axvm.addrspace;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A handler over a lent block: freed frames go to the discard hook, clean frames are never written. */
class ArenaPagingHandlerLentBlockTest {

    @Test
    void freedFramesAreDiscardedAndReusedWithoutBeingRewritten() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(2 * 4096, 4096); // two frames: a reallocation must reuse them
            List<MemorySegment> discarded = new ArrayList<>();
            ArenaPagingHandler h = ArenaPagingHandler.over(block, discarded::add);
            HostPhysAddr frame = h.allocFrames(2, 1);
            h.physToSegment(frame, 8192).set(JAVA_LONG, 4096, 7);
            h.freeFrames(frame, 2);
            assertEquals(1, discarded.size());
            assertEquals(frame.value(), discarded.getFirst().address());
            assertEquals(8192, discarded.getFirst().byteSize());
            // This hook only records, so the 7 survives: the handler trusted the discard to zero it.
            HostPhysAddr again = h.allocFrames(2, 1);
            assertEquals(frame, again);
            assertEquals(7, h.physToSegment(again, 8192).get(JAVA_LONG, 4096));
            assertEquals(2, h.liveFrames());
            h.close();
        }
    }

    @Test
    void theArenaModeZeroesAFrameThatWasWrittenBeforeHandingItOutAgain() {
        try (ArenaPagingHandler h = new ArenaPagingHandler(8 * 4096)) {
            HostPhysAddr frame = h.allocFrame();
            h.physToSegment(frame, 4096).set(JAVA_LONG, 0, 9);
            h.freeFrame(frame);
            HostPhysAddr again = h.allocFrame();
            assertEquals(0, h.physToSegment(again, 4096).get(JAVA_LONG, 0));
        }
    }

    @Test
    void aBlockThatIsNotFrameAlignedIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(3 * 4096, 4096).asSlice(8, 2 * 4096);
            assertThrows(IllegalArgumentException.class, () -> ArenaPagingHandler.over(block, s -> { }));
        }
    }
}
