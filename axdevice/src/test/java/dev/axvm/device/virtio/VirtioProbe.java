package dev.axvm.device.virtio;

import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.StatefulDeviceProperties;
import dev.axvm.device.TriggerMode;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.device.uart.SerialSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * A virtio device on its own guest RAM, driven at random by {@link Driver} for the snapshot
 * properties: handshakes with random queue sizes and ring features, well-formed requests (notified,
 * or made available and left for a later notification, as a doorbell not yet served), interrupt
 * acknowledgements, host input, and random register reads and writes (which break the device now
 * and then). Its effects are the interrupt level, console output, the rings and data buffers in
 * guest RAM, the disk image and the host input still waiting.
 */
final class VirtioProbe implements StatefulDeviceProperties.Probe {
    /** Which backend. */
    enum Kind { BLK, CONSOLE, RNG }

    static final int LINE = 40;
    static final int SECTORS = 16;
    private static final int[] REGISTERS = {0x000, 0x004, 0x008, 0x010, 0x014, 0x020, 0x024, 0x030, 0x034, 0x038, 0x044, 0x050,
        0x060, 0x064, 0x070, 0x080, 0x084, 0x090, 0x094, 0x0a0, 0x0a4, 0x0fc, 0x100, 0x108, 0x10c};
    private static final long FEATURES = (1L << 28) | (1L << 29);

    /** Host input a test controls: bytes wait until the device pulls them; typing tells the device. */
    private static final class HostInput implements SerialSource {
        final ArrayDeque<Integer> waiting = new ArrayDeque<>();
        private Runnable listener = () -> {};

        @Override
        public int poll() {
            Integer b = waiting.poll();
            return b == null ? -1 : b;
        }

        @Override
        public void attach(Runnable dataAvailable) {
            listener = dataAvailable;
        }

        void type(SplittableRandom r) {
            for (int i = 1 + r.nextInt(5); i > 0; i--) {
                waiting.add(r.nextInt(256));
            }
            listener.run();
        }
    }

    private final Kind kind;
    private final GuestRam ram = new GuestRam();
    private final RecordingInterruptSink irqs = new RecordingInterruptSink();
    private final CapturingSerialSink out = new CapturingSerialSink();
    private final HostInput in = new HostInput();
    private final Path image;
    private final VirtioBlock block;
    final VirtioMmioDevice dev;
    private final Driver driver;
    private final int[] requests = new int[2]; // per queue, what picks a request's descriptors and buffers
    private int size; // the queue size of the last handshake, 0 before one

    VirtioProbe(Kind kind, Path dir) {
        this.kind = kind;
        VirtioDevice device;
        try {
            image = kind == Kind.BLK ? Files.createTempFile(dir, "disk", ".img") : null;
            if (image != null) {
                Files.write(image, new byte[SECTORS * VirtioBlock.SECTOR]);
            }
            block = image != null ? VirtioBlock.open(image, false, "probe-disk") : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        device = switch (kind) {
            case BLK -> block;
            case CONSOLE -> new VirtioConsole(out, in);
            case RNG -> new VirtioRng(new Random() {
                @Override
                public void nextBytes(byte[] bytes) {
                    Arrays.fill(bytes, (byte) 0x5a); // the entropy pool is not state: make its bytes all alike
                }
            });
        };
        dev = new VirtioMmioDevice(name(kind), 0x1000_0000L, VirtioMmioDevice.WINDOW, device,
                new InterruptLine(irqs, LINE, TriggerMode.LEVEL), EmulatedDeviceType.DUMMY);
        dev.attachMemory(ram.memory);
        driver = new Driver(dev, ram);
    }

    static String name(Kind kind) {
        return switch (kind) {
            case BLK -> "vda";
            case CONSOLE -> "hvc0";
            case RNG -> "rng";
        };
    }

    /** The prefix of this kind's refusals. */
    static String prefix(Kind kind) {
        String device = switch (kind) {
            case BLK -> "virtio-blk";
            case CONSOLE -> "virtio-console";
            case RNG -> "virtio-rng";
        };
        return device + " '" + name(kind) + "' state: ";
    }

    @Override
    public StatefulDevice device() {
        return dev;
    }

    @Override
    public long step(SplittableRandom r) {
        int queues = dev.device().queueCount();
        int q = r.nextInt(queues);
        int what = r.nextInt(100);
        if (what < 6 || (what < 50 && size == 0)) {
            int min = kind == Kind.BLK ? 2 : 1; // a block request takes three descriptors
            size = 1 << (min + r.nextInt(kind == Kind.BLK ? 7 : 6));
            driver.start(r.nextLong() & FEATURES, size, queues);
            Arrays.fill(requests, 0);
            return driver.read(0x070);
        }
        if (what < 50) {
            request(r, q, what < 40);
            return driver.usedIdx(q);
        }
        if (what < 57) {
            driver.write(0x050, r.nextInt(8) == 0 ? r.nextInt() : q);
            return driver.usedIdx(q);
        }
        if (what < 64) {
            int pending = driver.interruptStatus();
            driver.ack(r.nextBoolean() ? pending : r.nextInt(4));
            return pending;
        }
        if (what < 70) {
            in.type(r);
            return in.waiting.size();
        }
        if (what < 73) {
            dev.serveAllQueues(); // a doorbell's worker
            return driver.usedIdx(q);
        }
        int offset = REGISTERS[r.nextInt(REGISTERS.length)];
        if (what < 86) {
            int value = switch (r.nextInt(4)) {
                case 0 -> r.nextInt();
                case 1 -> r.nextInt(4);
                case 2 -> (int) (Driver.desc(r.nextInt(queues)) + 0x4000L * r.nextInt(3));
                default -> r.nextInt(256);
            };
            driver.write(offset, value);
            return -1;
        }
        return driver.read(offset);
    }

    /** A well-formed request of the backend's kind on queue {@code q}, notified or only made available. */
    private void request(SplittableRandom r, int q, boolean notify) {
        int n = requests[q]++;
        int slot = n % 8;
        long data = Driver.DATA + 0x1000L * q + 0x200L * slot;
        int head;
        switch (kind) {
            case BLK -> {
                long header = Driver.DATA + 0x4000 + 0x40L * slot;
                int type = switch (r.nextInt(5)) {
                    case 0 -> VirtioBlock.T_IN;
                    case 1 -> VirtioBlock.T_OUT;
                    case 2 -> VirtioBlock.T_FLUSH;
                    case 3 -> VirtioBlock.T_GET_ID;
                    default -> r.nextInt(16);
                };
                ram.u32(header, type);
                ram.u64(header + 8, r.nextInt(SECTORS + 2));
                if (type == VirtioBlock.T_OUT) {
                    ram.u64(data, r.nextLong());
                }
                head = (3 * n) % size;
                boolean writable = type != VirtioBlock.T_OUT;
                driver.descriptor(q, head, header, 16, VirtQueue.DESC_F_NEXT, (head + 1) % size);
                driver.descriptor(q, (head + 1) % size, data, VirtioBlock.SECTOR,
                        VirtQueue.DESC_F_NEXT | (writable ? VirtQueue.DESC_F_WRITE : 0), (head + 2) % size);
                driver.descriptor(q, (head + 2) % size, header + 0x20, 1, VirtQueue.DESC_F_WRITE, 0);
            }
            case CONSOLE -> {
                head = n % size;
                boolean transmit = q == VirtioConsole.TRANSMIT;
                if (transmit) {
                    ram.u64(data, r.nextLong());
                }
                driver.descriptor(q, head, data, r.nextInt(transmit ? 1 : 0, 9), transmit ? 0 : VirtQueue.DESC_F_WRITE, 0);
            }
            case RNG -> {
                head = n % size;
                driver.descriptor(q, head, data, r.nextInt(1, 65), VirtQueue.DESC_F_WRITE, 0);
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        if (notify) {
            driver.offer(q, head);
        } else {
            driver.makeAvailable(q, head);
        }
    }

    @Override
    public Object effects() {
        CRC32 crc = new CRC32();
        crc.update(ram.ram.asSlice(Driver.DESC - GuestRam.BASE, 0x1_0000L * dev.device().queueCount()).asByteBuffer());
        crc.update(ram.ram.asSlice(Driver.DATA - GuestRam.BASE, 0x5000).asByteBuffer());
        return List.of(irqs.level(LINE), Arrays.toString(out.bytes()), crc.getValue(), imageCrc(), List.copyOf(in.waiting));
    }

    private long imageCrc() {
        if (image == null) {
            return 0;
        }
        try {
            CRC32 crc = new CRC32();
            crc.update(Files.readAllBytes(image));
            return crc.getValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void forgetEffects() {
        out.clear();
    }

    @Override
    public void adoptSurroundings(StatefulDeviceProperties.Probe original) {
        VirtioProbe o = (VirtioProbe) original;
        ram.ram.copyFrom(o.ram.ram);
        driver.adopt(o.driver);
        System.arraycopy(o.requests, 0, requests, 0, requests.length);
        size = o.size;
        in.waiting.clear();
        in.waiting.addAll(o.in.waiting);
        if (image != null) {
            try {
                Files.write(image, Files.readAllBytes(o.image)); // the same file, rewritten: the device keeps it open
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            if (block != null) {
                block.close();
                Files.deleteIfExists(image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ram.close();
        }
    }
}
