package dev.axvm.vm.internal;

import dev.axvm.device.virtio.VirtioMmioDevice;
import dev.axvm.vcpu.spi.ArchVm;
import dev.axvm.vcpu.spi.Doorbell;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread per virtio transport, woken by a doorbell on its QueueNotify register
 * (KVM's ioeventfd), so that a notification costs the vCPU no exit to user space and the device's
 * work (block I/O among it) runs beside the vCPUs instead of on them. Where the hypervisor offers
 * no doorbell, the write exits and the vCPU thread serves it, as any MMIO write.
 *
 * <p>Doorbells belong to one hardware VM: the VM {@link #stop()}s them before it closes or
 * replaces it (reboot) and {@link #start}s new ones on the fresh one. Not thread-safe: the VM's
 * build, rebuild and release call it, one at a time.
 */
final class VirtioDoorbells {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioDoorbells.class);
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(10);
    /** The QueueNotify register's offset and width in a virtio-mmio window. */
    private static final long QUEUE_NOTIFY = 0x50;
    private static final int QUEUE_NOTIFY_WIDTH = 4;

    private record Worker(VirtioMmioDevice device, Doorbell bell, Thread thread) {}

    private final int vmId;
    private final List<Worker> workers = new ArrayList<>();

    VirtioDoorbells(int vmId) {
        this.vmId = vmId;
    }

    /**
     * Doorbells on {@code vm} for {@code devices}; a device the hypervisor gives none keeps its MMIO
     * exit. Returns one line per device saying which it got, for the VM's notes.
     */
    List<String> start(ArchVm vm, List<VirtioMmioDevice> devices) {
        List<String> notes = new ArrayList<>();
        for (VirtioMmioDevice device : devices) {
            Optional<Doorbell> bell;
            try {
                bell = vm.doorbell(device.addressRange().start() + QUEUE_NOTIFY, QUEUE_NOTIFY_WIDTH);
            } catch (RuntimeException e) {
                notes.add(device + ": notifications exit to the vCPU thread (no doorbell: " + e.getMessage() + ")");
                continue;
            }
            notes.add(device + (bell.isPresent() ? ": notifications ring a doorbell (ioeventfd); a worker thread serves it"
                    : ": notifications exit to the vCPU thread (the hypervisor offers no doorbell)"));
            if (bell.isPresent()) {
                workers.add(new Worker(device, bell.get(), startWorker(device, bell.get())));
            }
        }
        return notes;
    }

    /** The worker's thread; a thread that cannot start leaves no doorbell registered behind it. */
    private Thread startWorker(VirtioMmioDevice device, Doorbell bell) {
        try {
            return Thread.ofPlatform().daemon().name("vm" + vmId + "-" + device.name()).start(() -> serve(device, bell));
        } catch (RuntimeException | OutOfMemoryError e) {
            bell.close();
            throw e;
        }
    }

    private void serve(VirtioMmioDevice device, Doorbell bell) {
        while (bell.await()) {
            try {
                device.serveAllQueues();
            } catch (RuntimeException e) {
                // A device bug, not the guest's doing (the transport contains the guest's): keep serving.
                LOG.error("VM {}: {}: serving its queues failed", vmId, device, e);
            }
        }
    }

    /** Wakes every worker for good, waits for it, and closes its doorbell. */
    void stop() {
        for (Worker w : workers) {
            w.bell().stop();
        }
        RuntimeException failure = null;
        for (Worker w : workers) {
            try {
                w.thread().join(JOIN_MILLIS);
                if (w.thread().isAlive()) {
                    // Its doorbell stays open rather than be closed under it; the thread ends with its request.
                    LOG.warn("VM {}: {}: the worker is still serving after {} ms", vmId, w.device(), JOIN_MILLIS);
                    continue;
                }
                w.bell().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        workers.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** How many devices have a doorbell now. */
    int size() {
        return workers.size();
    }
}
