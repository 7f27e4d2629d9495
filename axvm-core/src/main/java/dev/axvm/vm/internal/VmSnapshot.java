package dev.axvm.vm.internal;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.device.BaseDeviceOps;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.StatelessDevice;
import dev.axvm.device.virtio.VirtioMmioDevice;
import dev.axvm.vcpu.VCpuState;
import dev.axvm.vm.GuestRamBlock;
import dev.axvm.vm.SnapshotException;
import dev.axvm.vm.internal.snapshot.DiffBase;
import dev.axvm.vm.internal.snapshot.SnapshotIdentity;
import dev.axvm.vm.internal.snapshot.SnapshotReader;
import dev.axvm.vm.internal.snapshot.SnapshotRef;
import dev.axvm.vm.internal.snapshot.SnapshotWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A VM in a snapshot file ({@link dev.axvm.vm.internal.snapshot.SnapshotLayout}), section by
 * section, in the order they are written:
 * <ul>
 *   <li>{@code identity}: architecture, library version and config digest;
 *   <li>{@code config}: the config as TOML (for people and tools; the digest is what binds);
 *   <li>{@code run-state}: the lifecycle's boot count and each vCPU's power ({@link VmLifecycle#saveState});
 *   <li>{@code devices}: one line per device the VM dispatches to, {@code <name> state|none}, and
 *       {@code dev.<i>} with the state of the {@code i}-th line's device where it has one;
 *   <li>{@code arch-vm}: the hypervisor's VM-wide state (interrupt controllers, timers, clock);
 *   <li>{@code vcpu.<i>}: each vCPU's state (empty for one the guest never started);
 *   <li>{@code ram.<i>}: each memory region's content, zero pages as holes.
 * </ul>
 * A <em>diff</em> snapshot has the same sections but for memory: {@code base} names the snapshot
 * it layers on (its fingerprint, then its path as UTF-8), and each region is {@code ram.<i>.map}
 * (the bitmap of the pages changed since the base: bit {@code i % 64} of little-endian word
 * {@code i / 64} for page {@code i}) with {@code ram.<i>} holding just those pages. A restore reads
 * the chain down to a full snapshot, brings its memory back (mapped or copied), then copies each
 * diff's pages over it, oldest first; everything else comes from the newest file.
 * Devices are saved before the interrupt controllers and those before the vCPUs: a device that
 * raises a line while the VM is written can at worst leave an interrupt the device no longer
 * asks for, which guests take as spurious, and never lose one. A restore goes the other way
 * round: memory, the VM-wide state, the vCPUs, then the devices, whose lines land on the restored
 * controllers. Virtio devices are held from before the devices are saved until memory is written
 * (no request is served in between), and a restored VM serves their queues once
 * ({@link VmAssembly}): a request the guest made available while the snapshot was taken is
 * served then.
 */
public final class VmSnapshot {
    private static final String CONFIG = "config";
    private static final String RUN_STATE = "run-state";
    private static final String DEVICES = "devices";
    private static final String ARCH_VM = "arch-vm";
    private static final String BASE = "base";
    private static final String MAP = ".map";

    private VmSnapshot() {}

    /** The identity of the VM {@code parts} builds. */
    private static SnapshotIdentity identity(VmAssembly<?> parts) {
        return SnapshotIdentity.of(parts.architecture(), AxVMConfigs.toToml(parts.config()));
    }

    /**
     * Writes the VM to {@code file} (atomically: a failure leaves no file), in full or, with
     * {@code diff}, only the memory changed since its last snapshot ({@link DirtyTracking}), layered
     * on that one. Call it between the lifecycle's {@code beginSnapshot} and {@code endSnapshot}.
     * Either way the VM's next diff layers on this file; a failure breaks the chain.
     *
     * @return how many pages of guest memory were written (zero pages are not, in full)
     * @throws SnapshotException naming a device without snapshot state, or what failed to write
     * @throws IllegalStateException for a diff with nothing to layer on (the message says why)
     * @throws UnsupportedOperationException where the hypervisor backend cannot save its state yet,
     *     or (a diff) cannot log dirty pages
     */
    public static long write(Path file, VmAssembly<?> parts, VmLifecycle lifecycle, DirtyTracking tracking, boolean diff) {
        List<BaseDeviceOps<?>> devices = parts.everyDevice();
        for (BaseDeviceOps<?> d : devices) {
            if (!(d instanceof StatefulDevice) && !(d instanceof StatelessDevice)) {
                throw new SnapshotException(file + ": VM '" + parts.config().base().name() + "': device '" + d.name() + "' ("
                        + d.getClass().getSimpleName() + ") has no snapshot state yet");
            }
        }
        SnapshotRef base = diff ? tracking.base() : null;
        // A doorbell's worker or host input must not serve a virtio request between a device's state
        // and guest memory (the saved queue indices and the rings would disagree), nor between the
        // dirty logs' take and memory (a page it wrote would be in neither this diff nor the next).
        List<VirtioMmioDevice> held = devices.stream().filter(VirtioMmioDevice.class::isInstance)
                .map(VirtioMmioDevice.class::cast).toList();
        held.forEach(VirtioMmioDevice::hold);
        try {
            return writeHeld(file, parts, lifecycle, tracking, base);
        } finally {
            held.forEach(VirtioMmioDevice::release);
        }
    }

    private static long writeHeld(Path file, VmAssembly<?> parts, VmLifecycle lifecycle, DirtyTracking tracking,
            SnapshotRef base) {
        long[][] changed;
        try {
            changed = tracking.take(parts);
        } catch (UnsupportedOperationException e) {
            if (base != null) {
                throw e;
            }
            tracking.invalidate("this hypervisor cannot log dirty pages (" + e.getMessage() + ")");
            return writeFile(file, parts, lifecycle, null, null).pages();
        }
        try {
            Written w = writeFile(file, parts, lifecycle, base, changed);
            tracking.based(file, w.fingerprint());
            return w.pages();
        } catch (RuntimeException e) {
            tracking.invalidate("the last snapshot (" + file + ") failed");
            throw e;
        }
    }

    private record Written(long pages, byte[] fingerprint) {}

    private static Written writeFile(Path file, VmAssembly<?> parts, VmLifecycle lifecycle, SnapshotRef base,
            long[][] changed) {
        List<BaseDeviceOps<?>> devices = parts.everyDevice();
        try (SnapshotWriter w = SnapshotWriter.create(file, identity(parts))) {
            w.data(CONFIG, AxVMConfigs.toToml(parts.config()).getBytes(StandardCharsets.UTF_8));
            w.data(RUN_STATE, lifecycle.saveState());
            StringBuilder manifest = new StringBuilder();
            for (int i = 0; i < devices.size(); i++) {
                BaseDeviceOps<?> d = devices.get(i);
                manifest.append(d.name()).append(d instanceof StatefulDevice ? " state\n" : " none\n");
                if (d instanceof StatefulDevice s) {
                    w.data("dev." + i, s.saveState());
                }
            }
            w.data(DEVICES, manifest.toString().getBytes(StandardCharsets.UTF_8));
            w.data(ARCH_VM, parts.archVm().saveState());
            for (VcpuSlot s : parts.slots()) {
                // A vCPU the guest never started has no state beyond its creation: an empty section.
                w.data("vcpu." + s.id, s.vcpu.state() == VCpuState.CREATED ? new byte[0] : s.vcpu.saveState());
            }
            long pages = 0;
            List<GuestRamBlock> ram = parts.ramBlocks();
            if (base != null) {
                w.data(BASE, DiffBase.encode(base));
            }
            for (int i = 0; i < ram.size(); i++) {
                if (base == null) {
                    pages += w.memory("ram." + i, ram.get(i).memory());
                } else {
                    w.data("ram." + i + MAP, DiffBase.encodeMap(changed[i]));
                    pages += w.pages("ram." + i, ram.get(i).memory(), changed[i]);
                }
            }
            return new Written(pages, w.commit());
        }
    }

    /**
     * The config {@code file} was taken of, as TOML (its checksum checked, its identity not matched
     * against anything).
     */
    public static String configOf(Path file) {
        try (SnapshotReader r = SnapshotReader.open(file, null)) {
            return new String(r.data(CONFIG), StandardCharsets.UTF_8);
        }
    }

    /**
     * A snapshot being restored: opened and checked against the VM's identity before the VM is
     * built, with the chain of bases a diff layers on (each checked by its fingerprint).
     */
    public static final class Restore implements AutoCloseable {
        /** How deep a chain of diffs may go (a loop of files would otherwise never end). */
        private static final int MAX_CHAIN = 64;

        private final SnapshotReader reader;
        private final Path file;
        private final boolean lazily;
        /** The full snapshot at the bottom first, {@link #reader} last (just it for a full snapshot). */
        private final List<SnapshotReader> chain;
        private final List<Path> files;

        private Restore(Path file, List<SnapshotReader> chain, List<Path> files, boolean lazily) {
            this.file = file;
            this.reader = chain.getLast();
            this.chain = chain;
            this.files = files;
            this.lazily = lazily;
        }

        /**
         * Opens {@code file} for a VM built from {@code config}: refused unless it was taken of such a
         * VM by this library version, and for a diff unless every base down to a full snapshot is
         * there, of the same VM, with the fingerprint the diff above it recorded. With
         * {@code lazily}, the full snapshot's memory is mapped where the HAL can.
         */
        public static Restore open(Path file, AxVMConfig config, boolean lazily) {
            SnapshotIdentity vm = SnapshotIdentity.of(VmAssembly.architecture(config), AxVMConfigs.toToml(config));
            List<SnapshotReader> chain = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            try {
                SnapshotReader top = SnapshotReader.open(file, vm);
                chain.addFirst(top);
                files.addFirst(file);
                while (chain.getFirst().has(BASE)) {
                    SnapshotReader diff = chain.getFirst();
                    if (chain.size() > MAX_CHAIN) {
                        throw diff.refuse("its chain of diff snapshots is deeper than " + MAX_CHAIN);
                    }
                    SnapshotRef base = DiffBase.decode(diff, files.getFirst(), diff.data(BASE));
                    SnapshotReader r = SnapshotReader.open(base.file(), vm);
                    chain.addFirst(r);
                    files.addFirst(base.file());
                    if (!Arrays.equals(r.fingerprint(), base.fingerprint())) {
                        throw diff.refuse("its base " + base.file() + " is not the snapshot it was taken on (another fingerprint)");
                    }
                }
                return new Restore(file, chain, files, lazily);
            } catch (RuntimeException e) {
                chain.forEach(SnapshotReader::close);
                throw e;
            }
        }

        /** The snapshot restored from (the newest of a chain): the restored VM's next diff layers on it. */
        public SnapshotRef ref() {
            return new SnapshotRef(file, reader.fingerprint());
        }

        /** Memory, VM-wide state, vCPUs and devices, into the freshly built {@code parts}. */
        void restore(VmAssembly<?> parts) {
            // vCPUs are set up before memory is filled: a setup writes boot structures into RAM.
            byte[][] vcpuStates = new byte[parts.slots().length][];
            for (VcpuSlot s : parts.slots()) {
                String name = "vcpu." + s.id;
                vcpuStates[s.id] = reader.data(name);
                if (vcpuStates[s.id].length == 0 && s.vcpu.state() != VCpuState.CREATED) {
                    throw refused(name, "the vCPU was never started in the snapshot, but this VM sets it up at build");
                }
                if (vcpuStates[s.id].length > 0) {
                    parts.setUpForRestore(s);
                }
            }
            restoreMemory(parts);
            apply(ARCH_VM, () -> parts.archVm().restoreState(reader.data(ARCH_VM)));
            for (VcpuSlot s : parts.slots()) {
                byte[] state = vcpuStates[s.id];
                if (state.length > 0) {
                    apply("vcpu." + s.id, () -> s.vcpu.restoreState(state));
                }
            }
            List<BaseDeviceOps<?>> devices = parts.everyDevice();
            String[] lines = new String(reader.data(DEVICES), StandardCharsets.UTF_8).split("\n", -1);
            List<String> expected = new ArrayList<>();
            for (BaseDeviceOps<?> d : devices) {
                expected.add(d.name() + (d instanceof StatefulDevice ? " state" : " none"));
            }
            expected.add("");
            if (!List.of(lines).equals(expected)) {
                throw reader.refuse("its devices (section '" + DEVICES + "': " + String.join(", ", List.of(lines)).strip()
                        + ") are not this VM's (" + String.join(", ", expected).strip() + ")");
            }
            for (int i = 0; i < devices.size(); i++) {
                if (devices.get(i) instanceof StatefulDevice d) {
                    String name = "dev." + i;
                    apply(name + " (device '" + devices.get(i).name() + "')", () -> d.restoreState(reader.data(name)));
                }
            }
        }

        /** The full snapshot's memory (mapped lazily where it can be), then each diff's pages over it, oldest first. */
        private void restoreMemory(VmAssembly<?> parts) {
            List<GuestRamBlock> ram = parts.ramBlocks();
            SnapshotReader full = chain.getFirst();
            for (int i = 0; i < ram.size(); i++) {
                String name = "ram." + i;
                if (full.memoryLength(name) != ram.get(i).size()) {
                    throw full.refuse("section '" + name + "': " + full.memoryLength(name) + " bytes of memory; the VM has "
                            + ram.get(i).size() + " there");
                }
                if (!lazily || !parts.mapRamFromFile(i, files.getFirst(), full.memoryOffset(name))) {
                    full.readMemory(name, ram.get(i).memory());
                }
            }
            for (SnapshotReader diff : chain.subList(1, chain.size())) {
                for (int i = 0; i < ram.size(); i++) {
                    String name = "ram." + i;
                    long[] pages = DiffBase.decodeMap(diff, name + MAP, diff.data(name + MAP), ram.get(i).size());
                    diff.readPages(name, pages, ram.get(i).memory());
                }
            }
        }

        /** The run state for the lifecycle, once the VM is built. */
        public byte[] runState() {
            return reader.data(RUN_STATE);
        }

        /** A refusal naming the file and {@code section}. */
        public SnapshotException refused(String section, String why) {
            return reader.refuse("section '" + section + "': " + why);
        }

        private void apply(String section, Runnable restore) {
            try {
                restore.run();
            } catch (IllegalArgumentException e) {
                throw new SnapshotException(file + ": section '" + section + "': " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            chain.forEach(SnapshotReader::close);
        }
    }
}
