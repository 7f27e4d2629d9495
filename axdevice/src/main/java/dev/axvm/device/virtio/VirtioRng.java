package dev.axvm.device.virtio;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;

/**
 * virtio-rng (device id 4, virtio 1.x section 5.4): fills every device-writable buffer the driver
 * makes available with random bytes, and reports how many it wrote. Linux drives it as
 * {@code /dev/hwrng}. The bytes come from a {@link SecureRandom} by default.
 */
public final class VirtioRng implements VirtioDevice {
    /** The queue size offered. */
    public static final int QUEUE_SIZE = 64;
    /** The most bytes given to one request: larger buffers get this many, as the spec allows. */
    public static final int MAX_PER_REQUEST = 4096;

    private final Random random;
    // Random bytes drawn a pool at a time, so a small request does not cost a whole draw.
    private final byte[] pool = new byte[MAX_PER_REQUEST];
    private int poolLeft;
    private final DescriptorChain chain = new DescriptorChain(QUEUE_SIZE);

    /** An entropy device drawing from a new {@link SecureRandom}. */
    public VirtioRng() {
        this(new SecureRandom());
    }

    /** An entropy device drawing from {@code random} (tests pass a seeded one). */
    public VirtioRng(Random random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public int deviceId() {
        return 4;
    }

    @Override
    public String kind() {
        return "virtio-rng";
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
    public void serve(VirtQueue queue) {
        for (int budget = queue.size(); budget > 0 && queue.pop(chain); budget--) {
            int n = (int) Math.min(chain.writableLength(), MAX_PER_REQUEST);
            for (int done = 0; done < n; ) {
                if (poolLeft == 0) {
                    random.nextBytes(pool);
                    poolLeft = pool.length;
                }
                int k = Math.min(n - done, poolLeft);
                chain.write(done, pool, pool.length - poolLeft, k);
                poolLeft -= k;
                done += k;
            }
            queue.complete(chain.head(), n);
        }
    }

    @Override
    public void reset() {
        chain.reset();
    }
}
