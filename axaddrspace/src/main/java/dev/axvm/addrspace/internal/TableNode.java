package dev.axvm.addrspace.internal;

import java.lang.foreign.MemorySegment;

/**
 * One table of a {@link RadixPageTable}: its frame, the frame's memory, and the Java references
 * to its child tables, so that a walk never has to turn an entry's address back into a segment.
 */
final class TableNode {
    final long hpa;
    final MemorySegment entries;
    /** Child tables by index; null for last-level tables, which have none. */
    final TableNode[] children;
    /** Present entries, to free the table when the last one goes. */
    int live;

    TableNode(long hpa, MemorySegment entries, int entryCount, boolean lastLevel) {
        this.hpa = hpa;
        this.entries = entries;
        this.children = lastLevel ? null : new TableNode[entryCount];
    }
}
