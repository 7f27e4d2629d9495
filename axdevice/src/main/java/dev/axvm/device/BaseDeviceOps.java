package dev.axvm.device;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.DeviceAddrRange;
import dev.axvm.config.EmulatedDeviceType;

/**
 * An emulated device, after AxVisor's {@code BaseDeviceOps<R: DeviceAddrRange>}: it owns one
 * range of addresses of one kind and serves the guest's reads and writes inside it. The three
 * kinds are {@link MmioDevice} (guest-physical ranges), {@link PortDevice} (x86 I/O ports) and
 * {@link SysRegDevice} (trapped system registers).
 *
 * <p>What the registry ({@link AxVmDevices}) guarantees before it calls a device: the whole
 * access, {@code [addr, addr + width.size())}, lies inside {@link #addressRange()} (for MMIO and
 * ports; a system-register address is inside the range); {@code width}
 * is not null; a written value has no bits above {@code width}. What a device must do in return:
 * <ul>
 *   <li>treat every address, width and value as the guest's choice, hence hostile: any access
 *       inside the range gets a defined result (a value, or a write that is ignored), or the device
 *       refuses it by throwing {@link DeviceAccessException}; any other {@link RuntimeException}
 *       is caught by the registry too and reported, but it is a device bug;</li>
 *   <li>stay consistent when it throws: a later well-formed access must still work;</li>
 *   <li>not allocate in steady state and not block on anything the guest controls: these methods
 *       run on the vCPU thread between two {@code KVM_RUN}s;</li>
 *   <li>be safe to call from several vCPU threads at once when the VM has more than one vCPU.</li>
 * </ul>
 * The registry reads {@link #addressRange()} once, when the device is added; it must not change.
 *
 * @param <R> the kind of address range the device owns
 */
public sealed interface BaseDeviceOps<R extends DeviceAddrRange> permits MmioDevice, PortDevice, SysRegDevice {
    /** The device's emulated type, with AxVisor's numbers. */
    EmulatedDeviceType emulatedType();

    /** The addresses this device owns; constant for the device's lifetime. */
    R addressRange();

    /**
     * A name for messages and logs: the config entry's name for devices built from a config.
     * The default is the class's simple name.
     */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Serves a read.
     *
     * @param addr the absolute address (GPA, port number or register address), inside the range
     * @param width the access width
     * @param context who is accessing: the VM, the vCPU, and the VM's guest memory
     * @return the value read; bits above {@code width} are discarded by the registry
     * @throws DeviceAccessException when the device refuses the access
     */
    long handleRead(long addr, AccessWidth width, DeviceContext context);

    /**
     * Serves a write.
     *
     * @param addr the absolute address, inside the range
     * @param width the access width
     * @param value the value written, with no bits above {@code width}
     * @param context who is accessing
     * @throws DeviceAccessException when the device refuses the access
     */
    void handleWrite(long addr, AccessWidth width, long value, DeviceContext context);
}
