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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Writes a snapshot file ({@link SnapshotLayout}): sections one after the other, then the table
 * and the header. The file appears under its name only when {@link #commit()} has written and
 * synced all of it; until then it is {@code <name>.partial}, which {@link #close()} removes.
 */
public final class SnapshotWriter implements AutoCloseable {
    private record Entry(String name, int kind, int crc, long offset, long length) {}

    private final Path file;
    private final Path partial;
    private final FileChannel channel;
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private long end = PAGE;
    private boolean committed;

    private SnapshotWriter(Path file, Path partial, FileChannel channel) {
        this.file = file;
        this.partial = partial;
        this.channel = channel;
    }

    /** A writer for {@code file}, its identity section written first. */
    public static SnapshotWriter create(Path file, SnapshotIdentity identity) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.READ);
            SnapshotWriter w = new SnapshotWriter(file, partial, ch);
            try {
                w.data(SnapshotIdentity.SECTION, identity.encode());
            } catch (RuntimeException e) {
                w.close(); // the channel and the partial file go with the failed writer
                throw e;
            }
            return w;
        } catch (IOException e) {
            throw new SnapshotException(partial + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** A section of bytes (a device's or vCPU's state). */
    public void data(String name, byte[] bytes) {
        long at = reserve(name, bytes.length);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        write(ByteBuffer.wrap(bytes), at);
        entries.add(new Entry(name, SnapshotLayout.KIND_DATA, (int) crc.getValue(), at, bytes.length));
    }

    /**
     * A memory section: {@code ram}'s content at a page-aligned offset, its all-zero pages not
     * written (holes in the file, which read back as zeros); each run of non-zero pages is one
     * write. Returns how many pages were written.
     */
    public long memory(String name, MemorySegment ram) {
        long at = reserve(name, ram.byteSize());
        CRC32C crc = new CRC32C();
        long written = 0;
        long runStart = -1;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment zero = a.allocate(PAGE);
            for (long off = 0; off < ram.byteSize(); off += PAGE) {
                MemorySegment page = ram.asSlice(off, Math.min(PAGE, ram.byteSize() - off));
                crc.update(page.asByteBuffer());
                boolean nonZero = page.mismatch(zero.asSlice(0, page.byteSize())) != -1;
                if (nonZero && runStart < 0) {
                    runStart = off;
                } else if (!nonZero && runStart >= 0) {
                    write(ram.asSlice(runStart, off - runStart).asByteBuffer(), at + runStart);
                    runStart = -1;
                }
                written += nonZero ? 1 : 0;
            }
        }
        if (runStart >= 0) {
            write(ram.asSlice(runStart).asByteBuffer(), at + runStart);
        }
        entries.add(new Entry(name, SnapshotLayout.KIND_MEMORY, (int) crc.getValue(), at, ram.byteSize()));
        return written;
    }

    /**
     * A pages section (a diff snapshot's memory): the pages of {@code ram} whose bits are set in
     * {@code pages} (bit {@code i % 64} of word {@code i / 64} for page {@code i}), packed in page
     * order, each run of adjacent pages one write. The bitmap goes in a data section of its own.
     * Returns how many pages were written.
     */
    public long pages(String name, MemorySegment ram, long[] pages) {
        long total = ram.byteSize() / PAGE;
        long count = 0;
        for (long page = 0; page < total; page++) {
            count += isSet(pages, page) ? 1 : 0;
        }
        long at = reserve(name, count * PAGE);
        CRC32C crc = new CRC32C();
        long next = at;
        for (long page = 0; page < total; ) {
            if (!isSet(pages, page)) {
                page++;
                continue;
            }
            long end = page;
            while (end < total && isSet(pages, end)) {
                end++;
            }
            ByteBuffer run = ram.asSlice(page * PAGE, (end - page) * PAGE).asByteBuffer();
            crc.update(run.duplicate());
            write(run, next);
            next += (end - page) * PAGE;
            page = end;
        }
        entries.add(new Entry(name, SnapshotLayout.KIND_PAGES, (int) crc.getValue(), at, count * PAGE));
        return count;
    }

    static boolean isSet(long[] bits, long page) {
        int word = (int) (page >>> 6);
        return word < bits.length && (bits[word] & (1L << page)) != 0;
    }

    private long reserve(String name, long length) {
        if (committed) {
            throw new IllegalStateException(file + ": already committed");
        }
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length == 0 || n.length > SnapshotLayout.NAME_MAX || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("a section name is 1 to " + SnapshotLayout.NAME_MAX + " printable ASCII characters: '" + name + "'");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("section '" + name + "' written twice");
        }
        if (entries.size() >= SnapshotLayout.MAX_SECTIONS) {
            throw new IllegalStateException("more than " + SnapshotLayout.MAX_SECTIONS + " sections");
        }
        long at = end;
        end = SnapshotLayout.alignUp(at + length);
        return at;
    }

    /**
     * Writes the table and the header, syncs, and gives the file its name. Returns the file's
     * fingerprint (see {@link SnapshotLayout}), by which a diff snapshot names it as its base.
     */
    public byte[] commit() {
        ByteBuffer table = ByteBuffer.allocate(entries.size() * ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int base = i * ENTRY_BYTES;
            byte[] n = e.name.getBytes(StandardCharsets.US_ASCII);
            table.put(base, (byte) n.length).put(base + 1, n);
            table.putInt(base + 48, e.kind).putInt(base + 52, e.crc).putLong(base + 56, e.offset).putLong(base + 64, e.length);
        }
        long tableAt = end;
        CRC32C tableCrc = new CRC32C();
        tableCrc.update(table.array());
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(0, SnapshotLayout.MAGIC).putInt(8, SnapshotLayout.FORMAT_VERSION).putInt(12, entries.size())
                .putLong(16, tableAt).putLong(24, tableAt + table.capacity()).putInt(32, (int) tableCrc.getValue());
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(header.array(), 0, SnapshotLayout.HEADER_CRC_AT);
        header.putInt(SnapshotLayout.HEADER_CRC_AT, (int) headerCrc.getValue());
        write(table, tableAt);
        write(header, 0);
        try {
            channel.force(true);
            channel.close();
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot commit: " + e.getMessage(), e);
        }
        committed = true;
        return SnapshotLayout.fingerprint(header.array(), table.array());
    }

    private void write(ByteBuffer b, long at) {
        try {
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
        } catch (IOException e) {
            throw new SnapshotException(partial + ": cannot write at offset " + at + ": " + e.getMessage(), e);
        }
    }

    /** Closes the file; one never committed is removed. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            channel.close();
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            throw new SnapshotException(partial + ": cannot remove the unfinished snapshot: " + e.getMessage(), e);
        }
    }
}
