package dev.axvm.config.internal;

import static dev.axvm.config.internal.Addresses.hex;
import static dev.axvm.config.internal.Addresses.range;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.ConfigOrigin;
import dev.axvm.config.ConfigWarning;
import dev.axvm.config.ConfigWarning.Kind;
import dev.axvm.config.GuestArch;
import dev.axvm.config.MapType;
import dev.axvm.config.MemoryRegion;
import dev.axvm.config.PassthroughAddressConfig;
import dev.axvm.config.PassthroughDeviceConfig;
import dev.axvm.config.VmType;
import java.util.ArrayList;
import java.util.List;

/**
 * What AxVisor does on bare metal that a user-space KVM host cannot: pass host devices and host
 * address ranges through, map host physical memory, take over the host. Each finding names the entry.
 */
public final class HostLimits {
    /** The advice for every passthrough finding. */
    public static final String PASSTHROUGH_ADVICE =
            "a user-space KVM host cannot give a host device to a guest: remove the entry, or emulate the device in emu_devices";

    /** The advice for x86's interrupt controllers "passed through" at their architectural addresses. */
    public static final String IRQCHIP_ADVICE =
            "on x86_64, KVM's in-kernel irqchip emulates it at this address: the VM serves it, no passthrough needed";

    private HostLimits() {}


    /** Every finding, in file order within each table. */
    public static List<ConfigWarning> of(AxVMConfig config) {
        ConfigOrigin o = config.origin();
        List<ConfigWarning> out = new ArrayList<>();
        if (config.base().vmType() == VmType.HOST_VM) {
            out.add(new ConfigWarning(Kind.HOST_VM, o.locate("base.vm_type"), "base.vm_type",
                    "0 is a host VM (type 1.5), which takes over the running host",
                    "a user-space KVM host runs guests only: use vm_type = 1 (RTOS) or 2 (Linux)"));
        }
        List<MemoryRegion> regions = config.kernel().memoryRegions();
        for (int i = 0; i < regions.size(); i++) {
            MemoryRegion r = regions.get(i);
            if (r.mapType() == MapType.MAP_ALLOC) {
                continue;
            }
            String f = "kernel.memory_regions[" + i + "]";
            out.add(new ConfigWarning(Kind.HOST_MEMORY, o.locate(f), f,
                    r.mapType().axvisorName() + " region " + range(r.gpa(), r.size())
                            + " maps the host's physical memory at that address",
                    "a user-space host can only put ordinary RAM at that guest-physical address, as map_type 0, MapAlloc, does"));
        }
        List<PassthroughDeviceConfig> devices = config.devices().passthroughDevices();
        for (int i = 0; i < devices.size(); i++) {
            String f = "devices.passthrough_devices[" + i + "]";
            String what = switch (devices.get(i)) {
                case PassthroughDeviceConfig.Region r -> Quoting.name(r.name()) + "passes host range "
                        + range(r.baseHpa(), r.length()) + " through at " + hex(r.baseGpa());
                case PassthroughDeviceConfig.DeviceTreeNode n -> "\"" + Quoting.shorten(n.path())
                        + "\" passes the host's device-tree node " + Quoting.shorten(n.path()) + " and the devices under it through";
            };
            boolean irqchip = devices.get(i) instanceof PassthroughDeviceConfig.Region r && r.isX86InterruptController()
                    && config.base().arch().map(a -> a == GuestArch.X86_64).orElse(true);
            out.add(new ConfigWarning(Kind.HOST_PASSTHROUGH, o.locate(f), f, what, irqchip ? IRQCHIP_ADVICE : PASSTHROUGH_ADVICE));
        }
        List<PassthroughAddressConfig> addresses = config.devices().passthroughAddresses();
        for (int i = 0; i < addresses.size(); i++) {
            String f = "devices.passthrough_addresses[" + i + "]";
            PassthroughAddressConfig a = addresses.get(i);
            out.add(new ConfigWarning(Kind.HOST_PASSTHROUGH, o.locate(f), f,
                    "passes host range " + range(a.baseGpa(), a.length()) + " through", PASSTHROUGH_ADVICE));
        }
        return List.copyOf(out);
    }
}
