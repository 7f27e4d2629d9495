package dev.axvm.device.virtio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * virtio-blk (device id 2, virtio 1.x section 5.2) on a raw image file: read, write, flush and
 * GET_ID, optionally read-only. Data moves between the file and guest RAM by positional
 * {@link FileChannel} I/O straight into the guest's buffers, with no copy in between. Every
 * request is checked against the image: a sector range past the end, a length that is not whole
 * sectors, a write to a read-only image or an unknown type completes with an error status for
 * the guest; it never reaches the file. A flush forces the file to stable storage before it
 * completes.
 *
 * <p>Owns the file: {@link #close()} closes it (the VM does, when it closes).
 *
 * <p>Each request is served whole inside {@link #serve} (flushes included), so none is in flight
 * between calls. The snapshot state is what the guest was told of the image — its capacity and
 * whether it is read-only — so that a restore onto another image is refused; the image's content
 * is the file's, which a snapshot does not carry: restore onto the image as it was when the
 * snapshot was taken.
 */
public final class VirtioBlock implements VirtioDevice, AutoCloseable {
    /** The sector size of the virtio-blk protocol. */
    public static final int SECTOR = 512;
    /** The queue size offered. */
    public static final int QUEUE_SIZE = 256;
    /** Device feature: at most {@code seg_max} data buffers per request. */
    public static final int F_SEG_MAX = 2;
    /** Device feature: the device is read-only. */
    public static final int F_RO = 5;
    /** Device feature: the FLUSH command. */
    public static final int F_FLUSH = 9;

    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final int S_OK = 0;
    static final int S_IOERR = 1;
    static final int S_UNSUPP = 2;
    static final int ID_BYTES = 20;
    private static final int HEADER = 16;
    private static final Logger LOG = LoggerFactory.getLogger(VirtioBlock.class);

    private final Path path;
    private FileChannel file; // replaced when an interrupt of the serving thread closed it
    private final boolean readOnly;
    private final long sectors;
    private final byte[] id;
    private final byte[] config = new byte[16];
    private final byte[] scratch = new byte[HEADER];
    private final DescriptorChain chain = new DescriptorChain(QUEUE_SIZE);
    private final ByteBuffer[] iov = new ByteBuffer[QUEUE_SIZE];
    private int written;
    private volatile boolean closed;

    private VirtioBlock(Path path, FileChannel file, boolean readOnly, long sectors, String id) {
        this.path = path;
        this.file = file;
        this.readOnly = readOnly;
        this.sectors = sectors;
        this.id = Objects.requireNonNull(id, "id").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 8; i++) {
            config[i] = (byte) (sectors >>> (8 * i));
        }
        int segMax = QUEUE_SIZE - 2; // a header and a status descriptor besides the data
        for (int i = 0; i < 4; i++) {
            config[12 + i] = (byte) (segMax >>> (8 * i));
        }
    }

    /**
     * Opens {@code image} (a regular file whose size is a whole number of 512-byte sectors) for a
     * block device; {@code id} is what GET_ID returns (at most 20 bytes are sent).
     *
     * @throws IOException when the file cannot be opened, or is not a regular file, or its size is
     *     not a multiple of 512 (the message names the file)
     */
    public static VirtioBlock open(Path image, boolean readOnly, String id) throws IOException {
        if (!Files.isRegularFile(image)) {
            throw new IOException(image + ": not a regular file");
        }
        FileChannel channel = readOnly ? FileChannel.open(image, StandardOpenOption.READ)
                : FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size % SECTOR != 0) {
                throw new IOException(image + ": size " + size + " is not a multiple of " + SECTOR + " bytes");
            }
            return new VirtioBlock(image, channel, readOnly, size / SECTOR, id);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The image file. */
    public Path path() {
        return path;
    }

    /** The capacity in 512-byte sectors. */
    public long sectors() {
        return sectors;
    }

    /** Whether the image is still open (false once the VM that owned the device closed it). */
    public boolean isOpen() {
        return !closed;
    }

    /** Whether the guest may not write. */
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public int deviceId() {
        return 2;
    }

    @Override
    public String kind() {
        return "virtio-blk";
    }

    @Override
    public long features() {
        long f = VirtioFeatures.bit(F_SEG_MAX) | VirtioFeatures.bit(F_FLUSH);
        return readOnly ? f | VirtioFeatures.bit(F_RO) : f;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return config.length;
    }

    @Override
    public int configByte(int offset) {
        return config[offset] & 0xff;
    }

    @Override
    public void serve(VirtQueue queue) {
        for (int budget = queue.size(); budget > 0 && queue.pop(chain); budget--) {
            long writable = chain.writableLength();
            if (writable == 0) {
                queue.complete(chain.head(), 0); // nowhere to put a status: the driver learns nothing
                continue;
            }
            written = 0;
            int status = uninterrupted();
            scratch[0] = (byte) status;
            chain.write(writable - 1, scratch, 0, 1);
            queue.complete(chain.head(), written + 1);
        }
    }

    @Override
    public void reset() {
        chain.reset();
    }

    /** The capacity in sectors (8 bytes), then read-only (1 byte, 0 or 1). */
    @Override
    public byte[] saveState() {
        return ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putLong(sectors).put((byte) (readOnly ? 1 : 0))
                .array();
    }

    @Override
    public Runnable restoring(byte[] state) {
        if (!Arrays.equals(state, saveState())) {
            throw new IllegalArgumentException("the guest saw another image (offset 0): " + (state.length == 9
                    ? ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN).getLong() + " sectors, read-only byte "
                            + state[8]
                    : state.length + " bytes of state") + "; " + path + " has " + sectors + " sectors" + (readOnly ? ", read-only" : ""));
        }
        return () -> {};
    }

    @Override
    public void close() throws IOException {
        closed = true;
        file.close();
    }

    /**
     * Serves the request with the thread's interrupt flag cleared and restored afterwards: an
     * interrupt during FileChannel I/O would close the file for good. If one arrives during the
     * I/O anyway, the file is reopened and the request tried once more.
     */
    private int uninterrupted() {
        boolean interrupted = Thread.interrupted();
        try {
            int status = request();
            if (!file.isOpen() && reopen()) {
                written = 0;
                status = request();
            }
            return status;
        } finally {
            if (interrupted || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean reopen() {
        Thread.interrupted();
        if (closed) {
            return false;
        }
        try {
            file = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return true;
        } catch (IOException e) {
            LOG.warn("virtio-blk {}: reopening after an interrupt failed: {}", path, e.toString());
            return false;
        }
    }

    private int request() {
        if (chain.readableLength() < HEADER) {
            return S_IOERR;
        }
        chain.read(0, scratch, 0, HEADER);
        int type = le32(scratch, 0);
        long sector = le64(scratch, 8);
        long dataIn = chain.writableLength() - 1;
        long dataOut = chain.readableLength() - HEADER;
        return switch (type) {
            case T_IN -> transfer(sector, dataIn, true);
            case T_OUT -> readOnly ? S_IOERR : transfer(sector, dataOut, false);
            case T_FLUSH -> flush();
            case T_GET_ID -> {
                int n = (int) Math.min(Math.min(id.length, ID_BYTES), dataIn);
                written = chain.write(0, id, 0, n);
                yield S_OK;
            }
            default -> S_UNSUPP;
        };
    }

    private int transfer(long sector, long length, boolean toGuest) {
        if (length % SECTOR != 0 || length > Integer.MAX_VALUE - 1 || Long.compareUnsigned(sector, sectors) > 0 || length / SECTOR > sectors - sector) {
            return S_IOERR;
        }
        long pos = sector * SECTOR;
        int from = toGuest ? chain.firstWritable() : 0;
        long skip = toGuest ? 0 : HEADER;
        int n = 0;
        long gathered = 0;
        for (int i = from; i < chain.count() && gathered < length; i++) {
            long len = chain.length(i);
            if (skip >= len) {
                skip -= len;
                continue;
            }
            ByteBuffer b = chain.view(i, skip, length - gathered);
            if (b == null) {
                b = chain.segment(i).asSlice(chain.offset(i) + skip, Math.min(len - skip, length - gathered))
                        .asByteBuffer(); // a window above 2 GiB: rare, allocates
            }
            iov[n++] = b;
            gathered += b.remaining();
            skip = 0;
        }
        try {
            // One readv/writev for the whole request: the guest's pages are rarely adjacent.
            file.position(pos);
            for (long done = 0; done < length; ) {
                long k = toGuest ? file.read(iov, 0, n) : file.write(iov, 0, n);
                if (k < 0) {
                    throw new IOException("end of file at byte " + (pos + done));
                }
                done += k;
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("virtio-blk {}: {} at sector {} failed: {}", path, toGuest ? "read" : "write", sector, e.toString());
            return S_IOERR;
        } finally {
            Arrays.fill(iov, 0, n, null);
        }
        written = toGuest ? (int) length : 0;
        return S_OK;
    }

    private int flush() {
        try {
            file.force(true);
            return S_OK;
        } catch (IOException e) {
            LOG.warn("virtio-blk {}: flush failed: {}", path, e.toString());
            return S_IOERR;
        }
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static long le64(byte[] b, int at) {
        return Integer.toUnsignedLong(le32(b, at)) | (long) le32(b, at + 4) << 32;
    }
}
