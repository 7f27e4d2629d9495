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
import dev.axvm.vm.internal.snapshot.SnapshotIdentity;
import dev.axvm.vm.internal.snapshot.SnapshotReader;
import dev.axvm.vm.internal.snapshot.SnapshotWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private VmSnapshot() {}

    /** The identity of the VM {@code parts} builds. */
    private static SnapshotIdentity identity(VmAssembly<?> parts) {
        return SnapshotIdentity.of(parts.architecture(), AxVMConfigs.toToml(parts.config()));
    }

    /**
     * Writes the VM to {@code file} (atomically: a failure leaves no file). Call it between the
     * lifecycle's {@code beginSnapshot} and {@code endSnapshot}.
     *
     * @return how many pages of guest memory were written (zero pages are not)
     * @throws SnapshotException naming a device without snapshot state, or what failed to write
     * @throws UnsupportedOperationException where the hypervisor backend cannot save its state yet
     */
    public static long write(Path file, VmAssembly<?> parts, VmLifecycle lifecycle) {
        List<BaseDeviceOps<?>> devices = parts.everyDevice();
        for (BaseDeviceOps<?> d : devices) {
            if (!(d instanceof StatefulDevice) && !(d instanceof StatelessDevice)) {
                throw new SnapshotException(file + ": VM '" + parts.config().base().name() + "': device '" + d.name() + "' ("
                        + d.getClass().getSimpleName() + ") has no snapshot state yet");
            }
        }
        // A doorbell's worker or host input must not serve a virtio request between a device's state
        // and guest memory: the saved queue indices and the rings would disagree.
        List<VirtioMmioDevice> held = devices.stream().filter(VirtioMmioDevice.class::isInstance)
                .map(VirtioMmioDevice.class::cast).toList();
        held.forEach(VirtioMmioDevice::hold);
        try {
            return writeHeld(file, parts, lifecycle, devices);
        } finally {
            held.forEach(VirtioMmioDevice::release);
        }
    }

    private static long writeHeld(Path file, VmAssembly<?> parts, VmLifecycle lifecycle, List<BaseDeviceOps<?>> devices) {
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
            for (int i = 0; i < ram.size(); i++) {
                pages += w.memory("ram." + i, ram.get(i).memory());
            }
            w.commit();
            return pages;
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

    /** A snapshot being restored: opened and checked against the VM's identity before the VM is built. */
    public static final class Restore implements AutoCloseable {
        private final SnapshotReader reader;
        private final Path file;
        private final boolean lazily;

        private Restore(Path file, SnapshotReader reader, boolean lazily) {
            this.file = file;
            this.reader = reader;
            this.lazily = lazily;
        }

        /**
         * Opens {@code file} for a VM built from {@code config}: refused unless it was taken of such a
         * VM by this library version. With {@code lazily}, memory is mapped where the HAL can.
         */
        public static Restore open(Path file, AxVMConfig config, boolean lazily) {
            return new Restore(file, SnapshotReader.open(file,
                    SnapshotIdentity.of(VmAssembly.architecture(config), AxVMConfigs.toToml(config))), lazily);
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
            List<GuestRamBlock> ram = parts.ramBlocks();
            for (int i = 0; i < ram.size(); i++) {
                String name = "ram." + i;
                if (reader.memoryLength(name) != ram.get(i).size()) {
                    throw refused(name, reader.memoryLength(name) + " bytes of memory; the VM has " + ram.get(i).size() + " there");
                }
                if (!lazily || !parts.mapRamFromFile(i, file, reader.memoryOffset(name))) {
                    reader.readMemory(name, ram.get(i).memory());
                }
            }
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
            reader.close();
        }
    }
}
