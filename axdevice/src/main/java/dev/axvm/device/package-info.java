/**
 * The device contract and its dispatch: {@link dev.axvm.device.BaseDeviceOps} with its MMIO,
 * port and system-register kinds, the per-VM registry {@link dev.axvm.device.AxVmDevices} that
 * hands each guest access to the one device owning the address, the per-vCPU
 * {@link dev.axvm.device.DeviceContext} and {@link dev.axvm.device.AccessOutcome}, interrupt lines
 * ({@link dev.axvm.device.InterruptLine} over an {@link dev.axvm.device.InterruptSink}), the
 * {@link dev.axvm.device.VmControl} callbacks, and the factory that turns a config's
 * {@code emu_devices} entry into a device.
 */
package dev.axvm.device;
