package dev.axvm.config;

import java.util.Objects;

/**
 * An entry of {@code [devices] passthrough_devices}: a host device given to the guest, either as an
 * address range or as a host device-tree node. A user-space KVM host can do neither; the entry loads
 * so that AxVisor's files stay readable, and building a VM from it fails naming the entry.
 */
public sealed interface PassthroughDeviceConfig {

    /** The entry's name: the device name, or the device-tree path. */
    String name();

    /**
     * {@code [name, base_gpa, base_hpa, length, irq_id]}: host range {@code base_hpa} shown at {@code base_gpa}.
     *
     * @param name the device's name
     * @param baseGpa where the guest sees it (unsigned)
     * @param baseHpa where it is on the host (unsigned)
     * @param length its length in bytes
     * @param irqId its interrupt number
     */
    record Region(String name, long baseGpa, long baseHpa, long length, long irqId) implements PassthroughDeviceConfig {
        /** Checks presence. */
        public Region {
            Objects.requireNonNull(name, "name");
        }

        /**
         * Whether this is x86's IOAPIC (0xfec0_0000) or LAPIC (0xfee0_0000) at its architectural
         * address, host and guest alike — what KVM's in-kernel irqchip emulates, so that a user-space
         * host can serve such an entry without passing anything through.
         */
        public boolean isX86InterruptController() {
            boolean architectural = baseGpa == 0xfec0_0000L || baseGpa == 0xfee0_0000L;
            return architectural && baseHpa == baseGpa && length > 0 && length <= 0x1000;
        }
    }

    /**
     * {@code ["/path"]}: the host device-tree node at {@code path} and everything under it ({@code "/"} is
     * every device), minus {@code excluded_devices}.
     *
     * @param path the node's path, starting with {@code /}
     */
    record DeviceTreeNode(String path) implements PassthroughDeviceConfig {
        /** Checks presence. */
        public DeviceTreeNode {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String name() {
            return path;
        }
    }
}
