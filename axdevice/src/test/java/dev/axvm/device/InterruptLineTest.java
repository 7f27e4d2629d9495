package dev.axvm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Level and edge semantics of interrupt lines, and the recording double. */
class InterruptLineTest {
    private final RecordingInterruptSink sink = new RecordingInterruptSink();

    @Test
    void levelLineForwardsOnlyChanges() {
        InterruptLine line = new InterruptLine(sink, 4, TriggerMode.LEVEL);
        line.lower();
        line.raise();
        line.raise();
        line.set(true);
        assertTrue(line.isAsserted());
        line.lower();
        line.set(false);
        assertEquals(List.of(new LineChange(4, true), new LineChange(4, false)), sink.changes());
        assertFalse(sink.level(4));
        assertEquals(1, sink.risingEdges(4));
    }

    @Test
    void edgeLinePulsesOnEveryRaiseAndIgnoresLower() {
        InterruptLine line = new InterruptLine(sink, 9, TriggerMode.EDGE);
        line.raise();
        line.raise();
        line.lower();
        assertFalse(line.isAsserted());
        assertEquals(List.of(new LineChange(9, true), new LineChange(9, false), new LineChange(9, true),
                new LineChange(9, false)), sink.changes());
        assertEquals(2, sink.risingEdges(9));
        assertFalse(sink.level(9));
    }

    @Test
    void recordingKeepsLinesApart() {
        new InterruptLine(sink, 1, TriggerMode.LEVEL).raise();
        new InterruptLine(sink, 2, TriggerMode.EDGE).raise();
        assertTrue(sink.level(1));
        assertFalse(sink.level(2));
        assertEquals(List.of(new LineChange(1, true)), sink.changes(1));
        assertEquals(2, sink.changes(2).size());
        sink.clear();
        assertEquals(List.of(), sink.changes());
        assertTrue(sink.level(1), "clear forgets history, not levels");
    }

    @Test
    void disconnectedLineGoesNowhere() {
        InterruptLine line = InterruptLine.disconnected();
        line.raise();
        assertTrue(line.isDisconnected());
        assertTrue(line.isAsserted());
    }

    @Test
    void negativeLineNumbersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new InterruptLine(sink, -1, TriggerMode.LEVEL));
    }
}
