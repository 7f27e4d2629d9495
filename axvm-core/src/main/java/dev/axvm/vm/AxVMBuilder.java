package dev.axvm.vm;

import dev.axvm.addrspace.PagingHandler;
import dev.axvm.config.AxVMConfig;
import dev.axvm.device.BaseDeviceOps;
import dev.axvm.device.uart.SerialSink;
import dev.axvm.device.uart.SerialSource;
import dev.axvm.vcpu.spi.ArchBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds an {@link AxVM}: the config and HAL, plus what a config cannot say — images handed in by
 * name, the console's host side, extra devices, and (for tests) an explicit architecture backend.
 *
 * @param <H> the host's HAL
 * @param <P> the host's frame service
 */
public final class AxVMBuilder<H extends AxVMHal<P>, P extends PagingHandler> {
    final AxVMConfig config;
    final H hal;
    ArchBackend backend;
    final Map<String, byte[]> memoryImages = new HashMap<>();
    final List<BaseDeviceOps<?>> extraDevices = new ArrayList<>();
    SerialSink consoleOut = SerialSink.DISCARD;
    SerialSource consoleIn = SerialSource.none();
    Duration quiesce = Duration.ofSeconds(10);
    Path snapshot;
    RestoreMemory restoreMemory = RestoreMemory.LAZY;
    boolean trackDirtyPages;

    AxVMBuilder(AxVMConfig config, H hal) {
        this.config = Objects.requireNonNull(config, "config");
        this.hal = Objects.requireNonNull(hal, "hal");
    }

    /** Uses {@code backend} instead of the one {@link java.util.ServiceLoader} finds for the config's architecture. */
    public AxVMBuilder<H, P> backend(ArchBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    /** An image for {@code image_location = "memory"}, under the name the config gives as its path. */
    public AxVMBuilder<H, P> image(String name, byte[] bytes) {
        memoryImages.put(Objects.requireNonNull(name, "name"), bytes.clone());
        return this;
    }

    /** Where the console UART's output goes (default: discarded). */
    public AxVMBuilder<H, P> consoleOutput(SerialSink sink) {
        this.consoleOut = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /** Where the console UART's input comes from (default: none). */
    public AxVMBuilder<H, P> consoleInput(SerialSource source) {
        this.consoleIn = Objects.requireNonNull(source, "source");
        return this;
    }

    /** A device of the embedder's, added after the config's own. */
    public AxVMBuilder<H, P> device(BaseDeviceOps<?> device) {
        extraDevices.add(Objects.requireNonNull(device, "device"));
        return this;
    }

    /**
     * How long a reboot, a pause and a close wait for the vCPU threads to let go of their vCPUs
     * (kicking them out of the guest meanwhile) before they give up: a reboot then fails, a close
     * leaves the release to the last thread out (default 10 s).
     */
    public AxVMBuilder<H, P> quiesceTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("quiesce timeout " + timeout + " is not positive");
        }
        this.quiesce = timeout;
        return this;
    }

    /**
     * Builds the VM from the snapshot in {@code file} ({@link AxVM#snapshot}) instead of booting it
     * from its images: its memory (mapped lazily where the HAL can: {@link RestoreMemory#LAZY}),
     * vCPUs, devices and run state as they were, status
     * {@link VmStatus#SUSPENDED} until {@link AxVM#resume}. The config must be the one the snapshot
     * was taken of, and this library the version that wrote it; images are only read again when
     * the guest reboots.
     */
    public AxVMBuilder<H, P> restoreFrom(Path file) {
        return restoreFrom(file, RestoreMemory.LAZY);
    }

    /** {@link #restoreFrom(Path)}, with guest memory brought back as {@code memory} says. */
    public AxVMBuilder<H, P> restoreFrom(Path file, RestoreMemory memory) {
        this.snapshot = Objects.requireNonNull(file, "file");
        this.restoreMemory = Objects.requireNonNull(memory, "memory");
        return this;
    }

    /**
     * Whether the VM tracks the pages that change after each snapshot, for {@link AxVM#snapshotDiff}
     * (default off). Tracking starts at the VM's first snapshot, or at once for a restored VM: from
     * then on the hypervisor logs the guest's writes (KVM write-protects the guest's pages and
     * takes a fault on each page's first write after every snapshot) and the VM notes the host's
     * own. Off, snapshots cost nothing after they are written: what a VM cloned thousands of times
     * from one snapshot wants.
     */
    public AxVMBuilder<H, P> trackDirtyPages(boolean on) {
        this.trackDirtyPages = on;
        return this;
    }

    /**
     * Builds the VM: status {@link VmStatus#LOADED}, or {@link VmStatus#SUSPENDED} when restored
     * ({@link #restoreFrom}).
     *
     * @throws VmBuildException (or {@link ImageLoadException}) with one line naming what cannot be
     *     built and why; nothing is left allocated
     * @throws SnapshotException when the snapshot to restore is refused (one line naming the file,
     *     the section and why); nothing is left allocated
     */
    public AxVM<H, P> build() {
        return new AxVM<>(this);
    }
}
