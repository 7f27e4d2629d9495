package dev.axvm.vm.internal.snapshot;

import static dev.axvm.vm.internal.snapshot.SnapshotLayout.ENTRY_BYTES;
import static dev.axvm.vm.internal.snapshot.SnapshotLayout.HEADER_BYTES;
import static dev.axvm.vm.internal.snapshot.SnapshotLayout.PAGE;

import dev.axvm.vm.SnapshotException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads a snapshot file written by {@link SnapshotWriter}. {@link #open} checks the header, the
 * table, every data section's checksum and the identity against the VM's before anything is
 * used; a memory section's content is checked by {@link #verifyMemory} (reading it all: a lazy
 * restore maps it without). Every refusal is a {@link SnapshotException} naming the file, the
 * section and the offset; the file is treated as hostile (lengths, offsets and counts bounded).
 */
public final class SnapshotReader implements AutoCloseable {
    private record Section(String name, int kind, int crc, long offset, long length, byte[] data) {}

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final Map<String, Section> sections = new LinkedHashMap<>();
    private final SnapshotIdentity identity;
    private final byte[] fingerprint;

    private SnapshotReader(Path file, FileChannel channel, SnapshotIdentity vm) {
        this.file = file;
        this.channel = channel;
        this.size = fileSize();
        ByteBuffer header = read(0, HEADER_BYTES, "the header");
        if (!Arrays.equals(Arrays.copyOf(header.array(), 8), SnapshotLayout.MAGIC)) {
            throw refuse("not an AxVM snapshot (no AXVMSNAP magic at offset 0)");
        }
        int version = header.getInt(8);
        if (version != SnapshotLayout.FORMAT_VERSION) {
            throw refuse("snapshot format version " + Integer.toUnsignedString(version) + "; this library reads version "
                    + SnapshotLayout.FORMAT_VERSION);
        }
        checkCrc(header.array(), 0, SnapshotLayout.HEADER_CRC_AT, header.getInt(SnapshotLayout.HEADER_CRC_AT), "the header", 0);
        int count = header.getInt(12);
        long tableAt = header.getLong(16);
        long length = header.getLong(24);
        if (length != size) {
            throw refuse("the header says the file has " + Long.toUnsignedString(length) + " bytes, it has " + size
                    + (Long.compareUnsigned(size, length) < 0 ? " (truncated)" : ""));
        }
        if (count < 1 || count > SnapshotLayout.MAX_SECTIONS) {
            throw refuse("the header's section count " + Integer.toUnsignedString(count) + " (offset 12) is not 1.." + SnapshotLayout.MAX_SECTIONS);
        }
        long tableBytes = (long) count * ENTRY_BYTES;
        if (tableAt < PAGE || tableAt % PAGE != 0 || tableAt > size || size - tableAt != tableBytes) {
            throw refuse("the section table at offset " + Long.toUnsignedString(tableAt) + " (header offset 16) does not end the file");
        }
        ByteBuffer table = read(tableAt, (int) tableBytes, "the section table");
        checkCrc(table.array(), 0, (int) tableBytes, header.getInt(32), "the section table", tableAt);
        long previousEnd = PAGE;
        for (int i = 0; i < count; i++) {
            Section s = entry(table, i, tableAt, previousEnd);
            previousEnd = s.offset + s.length;
            sections.put(s.name, s);
        }
        Section id = sections.values().iterator().next();
        SnapshotIdentity found = id.name.equals(SnapshotIdentity.SECTION) && id.data != null ? SnapshotIdentity.decode(id.data) : null;
        if (found == null) {
            throw refuse("the first section is not a readable identity (offset " + id.offset + ")");
        }
        String why = vm == null ? null : found.mismatch(vm);
        if (why != null) {
            throw refuse("cannot be restored here: " + why);
        }
        this.identity = found;
        this.fingerprint = SnapshotLayout.fingerprint(header.array(), table.array());
    }

    /**
     * Opens {@code file} for a VM whose identity is {@code vm}: checked as the class says. With
     * {@code vm} null the identity is read but not matched (to read what a snapshot is of).
     */
    public static SnapshotReader open(Path file, SnapshotIdentity vm) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return new SnapshotReader(file, ch, vm);
        } catch (RuntimeException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private Section entry(ByteBuffer table, int i, long tableAt, long previousEnd) {
        int base = i * ENTRY_BYTES;
        long at = tableAt + base;
        int n = table.get(base) & 0xff;
        byte[] nameBytes = Arrays.copyOfRange(table.array(), base + 1, base + 1 + Math.min(n, SnapshotLayout.NAME_MAX));
        String name = new String(nameBytes, StandardCharsets.US_ASCII);
        if (n < 1 || n > SnapshotLayout.NAME_MAX || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw refuse("section " + i + " (table offset " + at + ") has no valid name");
        }
        if (sections.containsKey(name)) {
            throw refuse("section '" + name + "' appears twice (table offset " + at + ")");
        }
        int kind = table.getInt(base + 48);
        int crc = table.getInt(base + 52);
        long offset = table.getLong(base + 56);
        long length = table.getLong(base + 64);
        String where = "section '" + name + "' (table offset " + at + ")";
        if (kind != SnapshotLayout.KIND_DATA && kind != SnapshotLayout.KIND_MEMORY && kind != SnapshotLayout.KIND_PAGES) {
            throw refuse(where + " is of unknown kind " + Integer.toUnsignedString(kind));
        }
        if (offset % PAGE != 0 || Long.compareUnsigned(offset, previousEnd) < 0 || length < 0
                || Long.compareUnsigned(length, tableAt - Math.min(offset, tableAt)) > 0 || offset > tableAt) {
            throw refuse(where + ": offset " + Long.toUnsignedString(offset) + " and length " + Long.toUnsignedString(length)
                    + " are not a page-aligned range after the previous section and before the table");
        }
        byte[] data = null;
        if (kind == SnapshotLayout.KIND_DATA) {
            if (length > SnapshotLayout.MAX_DATA_SECTION) {
                throw refuse(where + " has " + length + " bytes, more than a data section may (" + SnapshotLayout.MAX_DATA_SECTION + ")");
            }
            data = read(offset, (int) length, "section '" + name + "'").array();
            checkCrc(data, 0, data.length, crc, "section '" + name + "'", offset);
        }
        return new Section(name, kind, crc, offset, length, data);
    }

    /** Who wrote the snapshot and of what. */
    public SnapshotIdentity identity() {
        return identity;
    }

    /** The file's fingerprint: the SHA-256 of its header and table (see {@link SnapshotLayout}). */
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    /** Whether the file has a section {@code name} (of any kind). */
    public boolean has(String name) {
        return sections.containsKey(name);
    }

    /** The sections' names, in file order (the identity first). */
    public List<String> sections() {
        return List.copyOf(sections.keySet());
    }

    /** A data section's bytes (checked when the file was opened). */
    public byte[] data(String name) {
        Section s = section(name, SnapshotLayout.KIND_DATA);
        return s.data.clone();
    }

    /** Where a memory section starts in the file (page-aligned). */
    public long memoryOffset(String name) {
        return section(name, SnapshotLayout.KIND_MEMORY).offset;
    }

    /** A memory section's length in bytes. */
    public long memoryLength(String name) {
        return section(name, SnapshotLayout.KIND_MEMORY).length;
    }

    /**
     * A memory section mapped copy-on-write ({@code MAP_PRIVATE}): reading costs page faults, not
     * a copy, and the guest's writes never reach the file. Lives as long as {@code arena}.
     */
    public MemorySegment mapMemory(String name, Arena arena) {
        Section s = section(name, SnapshotLayout.KIND_MEMORY);
        // FileChannel maps PRIVATE only from a channel opened for writing too, though MAP_PRIVATE
        // never writes the file: a second channel, open only while mapping (the mapping outlives it).
        try (FileChannel rw = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return rw.map(FileChannel.MapMode.PRIVATE, s.offset, s.length, arena);
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot map section '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * Copies a memory section into {@code into}, which must be exactly as long, and checks its
     * checksum: the full-copy restore. The file's holes read back as zeros.
     */
    public void readMemory(String name, MemorySegment into) {
        Section s = section(name, SnapshotLayout.KIND_MEMORY);
        if (into.byteSize() != s.length) {
            throw refuse("section '" + name + "' holds " + s.length + " bytes of memory; the VM has " + into.byteSize() + " there");
        }
        CRC32C crc = new CRC32C();
        long chunk = 1 << 20;
        for (long off = 0; off < s.length; off += chunk) {
            ByteBuffer b = into.asSlice(off, Math.min(chunk, s.length - off)).asByteBuffer();
            readFully(b, s.offset + off, "section '" + name + "'");
            crc.update(b.flip());
        }
        if ((int) crc.getValue() != s.crc) {
            throw refuse("section '" + name + "' (offset " + s.offset + ", " + s.length + " bytes) does not match its checksum");
        }
    }

    /** Reads a memory section through and checks its checksum. */
    public void verifyMemory(String name) {
        Section s = section(name, SnapshotLayout.KIND_MEMORY);
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        for (long off = 0; off < s.length; ) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), s.length - off));
            readFully(chunk, s.offset + off, "section '" + name + "'");
            chunk.flip();
            crc.update(chunk);
            off += chunk.limit();
        }
        if ((int) crc.getValue() != s.crc) {
            throw refuse("section '" + name + "' (offset " + s.offset + ", " + s.length + " bytes) does not match its checksum");
        }
    }

    /**
     * Copies a pages section (a diff snapshot's memory) into {@code into}: the packed pages go to
     * the pages {@code pages} names (bit {@code i % 64} of word {@code i / 64} for page {@code i}),
     * which must be as many as the section holds and all inside {@code into}; then the checksum is
     * checked. Returns how many pages were copied.
     */
    public long readPages(String name, long[] pages, MemorySegment into) {
        Section s = section(name, SnapshotLayout.KIND_PAGES);
        long total = into.byteSize() / PAGE;
        long count = 0;
        for (int w = 0; w < pages.length; w++) {
            count += Long.bitCount(pages[w]);
            if (pages[w] != 0 && ((long) w << 6) + 63 - Long.numberOfLeadingZeros(pages[w]) >= total) {
                throw refuse("section '" + name + "': its page map names a page past the region's " + total);
            }
        }
        if (count * PAGE != s.length) {
            throw refuse("section '" + name + "' (offset " + s.offset + ") holds " + s.length + " bytes; its page map names "
                    + count + " pages");
        }
        CRC32C crc = new CRC32C();
        long from = s.offset;
        for (long page = 0; page < total; ) {
            if (!SnapshotWriter.isSet(pages, page)) {
                page++;
                continue;
            }
            long end = page;
            while (end < total && SnapshotWriter.isSet(pages, end)) {
                end++;
            }
            ByteBuffer b = into.asSlice(page * PAGE, (end - page) * PAGE).asByteBuffer();
            readFully(b, from, "section '" + name + "'");
            crc.update(b.flip());
            from += (end - page) * PAGE;
            page = end;
        }
        if ((int) crc.getValue() != s.crc) {
            throw refuse("section '" + name + "' (offset " + s.offset + ", " + s.length + " bytes) does not match its checksum");
        }
        return count;
    }

    private Section section(String name, int kind) {
        Section s = sections.get(name);
        if (s == null || s.kind != kind) {
            String what = switch (kind) {
                case SnapshotLayout.KIND_DATA -> "data";
                case SnapshotLayout.KIND_MEMORY -> "memory";
                default -> "pages";
            };
            throw refuse("has no " + what + " section '" + name + "'");
        }
        return s;
    }

    private void checkCrc(byte[] b, int from, int length, int expected, String what, long offset) {
        CRC32C crc = new CRC32C();
        crc.update(b, from, length);
        if ((int) crc.getValue() != expected) {
            throw refuse(what + " (offset " + offset + ", " + length + " bytes) does not match its checksum");
        }
    }

    private long fileSize() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read its size: " + e.getMessage(), e);
        }
    }

    // Ranges past the header are checked against the table before they are read; this bounds the header.
    private ByteBuffer read(long at, int length, String what) {
        if (at + length > size) {
            throw refuse(what + " (offset " + at + ", " + length + " bytes) runs past the end of the file");
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(b, at, what);
        return b;
    }

    private void readFully(ByteBuffer b, long at, String what) {
        try {
            while (b.hasRemaining()) {
                int n = channel.read(b, at + b.position());
                if (n < 0) {
                    throw refuse(what + " ends early at offset " + (at + b.position()));
                }
            }
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read " + what + " at offset " + at + ": " + e.getMessage(), e);
        }
    }

    /** A refusal of this file for {@code why} (the message names the file). */
    public SnapshotException refuse(String why) {
        return new SnapshotException(file + ": " + why);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot close: " + e.getMessage(), e);
        }
    }
}
