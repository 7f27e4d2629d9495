package dev.axvm.device;

import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.platform.DummyDevice;
import dev.axvm.device.uart.Pl011;
import dev.axvm.device.uart.Uart16550;
import dev.axvm.device.uart.Uart16550MmioDevice;
import dev.axvm.device.uart.Uart16550PortDevice;
import dev.axvm.device.virtio.VirtioBlock;
import dev.axvm.device.virtio.VirtioConsole;
import dev.axvm.device.virtio.VirtioDevice;
import dev.axvm.device.virtio.VirtioMmioDevice;
import dev.axvm.device.virtio.VirtioRng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Turns one {@code emu_devices} entry into a device; the VM calls it per entry while it is built
 * and adds the result to its {@link AxVmDevices}.
 *
 * <table>
 *   <caption>What each emu_type becomes</caption>
 *   <tr><th>emu_type</th><th>x86_64</th><th>aarch64</th><th>riscv64</th></tr>
 *   <tr><td>Dummy (0x0)</td><td colspan="3">{@link DummyDevice}: reads 0, ignores writes</td></tr>
 *   <tr><td>Console (0x2)</td><td>16550 over MMIO, or on ports with {@code cfg_list[1] = 1}</td>
 *       <td>{@link Pl011}</td><td>16550 over MMIO</td></tr>
 *   <tr><td>VirtioBlk (0xE1)</td><td colspan="3">virtio-blk over virtio-mmio on the entry's disk image</td></tr>
 *   <tr><td>VirtioConsole (0xE3)</td><td colspan="3">virtio-console ({@code hvc0}) over virtio-mmio on the console's host side</td></tr>
 *   <tr><td>VirtioRng (0xE4, ours)</td><td colspan="3">virtio-rng over virtio-mmio, from {@code SecureRandom}</td></tr>
 *   <tr><td>any other</td><td colspan="3">{@link UnsupportedOperationException} naming the entry and the type</td></tr>
 * </table>
 *
 * <p>Console {@code cfg_list}: {@code [reg_shift, io]}, both optional. {@code reg_shift} (0, 1 or
 * 2; default 0) spaces the 16550's registers {@code 1 << reg_shift} bytes apart. {@code io} is
 * ours, x86_64 only: 0 (default) for MMIO, 1 for port I/O with {@code base_gpa} as the first port
 * (COM1: {@code ["com1", 0x3f8, 8, 4, 0x2, [0, 1]]}). On aarch64 {@code cfg_list} is ignored.
 *
 * <p>{@code irq_id} 0 means no interrupt (a polled UART), as in AxVisor's configs; otherwise it
 * must be a line the architecture's interrupt controller has: x86_64 1..23 (IOAPIC), aarch64
 * 32..1019 (a GIC SPI's INTID; QEMU virt's PL011 is 33), riscv64 1..1023 (PLIC source; virt's
 * UART is 10). Lines are {@link TriggerMode#LEVEL}.
 */
public final class EmulatedDeviceFactory {
    /** The architecture names {@link #create} accepts. */
    public static final Set<String> ARCHITECTURES = Set.of("x86_64", "aarch64", "riscv64");

    private EmulatedDeviceFactory() {}

    /**
     * The device for {@code spec} on {@code arch}.
     *
     * @param arch "x86_64", "aarch64" or "riscv64"
     * @throws UnsupportedOperationException when the type has no implementation yet
     * @throws IllegalArgumentException when a value is out of range for the type (the message
     *     names the entry, the field and the value)
     */
    public static BaseDeviceOps<?> create(EmulatedDeviceSpec spec, String arch, DeviceHookups hookups) {
        if (!ARCHITECTURES.contains(arch)) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': architecture '" + arch
                    + "' is not one of x86_64, aarch64, riscv64");
        }
        return switch (spec.type()) {
            case DUMMY -> new DummyDevice(spec.name(), new GuestPhysAddrRange(spec.baseGpa(), spec.length()));
            case CONSOLE -> console(spec, arch, hookups);
            case VIRTIO_BLK, VIRTIO_CONSOLE, VIRTIO_RNG -> virtio(spec, arch, hookups);
            default -> throw new UnsupportedOperationException(
                    "emu_devices '" + spec.name() + "': " + describe(spec.type()) + " is not implemented");
        };
    }

    /** AxVisor's name and number for {@code type}, e.g. {@code GPPTDistributor (0x21)}. */
    public static String describe(EmulatedDeviceType type) {
        String name = switch (type) {
            case DUMMY -> "Dummy";
            case INTERRUPT_CONTROLLER -> "InterruptController";
            case CONSOLE -> "Console";
            case IVC_CHANNEL -> "IVCChannel";
            case GPPT_REDISTRIBUTOR -> "GPPTRedistributor";
            case GPPT_DISTRIBUTOR -> "GPPTDistributor";
            case GPPT_ITS -> "GPPTITS";
            case PPPT_GLOBAL -> "PPPTGlobal";
            case VIRTIO_BLK -> "VirtioBlk";
            case VIRTIO_NET -> "VirtioNet";
            case VIRTIO_CONSOLE -> "VirtioConsole";
            case VIRTIO_RNG -> "VirtioRng";
        };
        return name + " (0x" + Integer.toHexString(type.code()) + ")";
    }

    private static BaseDeviceOps<?> console(EmulatedDeviceSpec spec, String arch, DeviceHookups hookups) {
        InterruptLine line = interruptLine(spec, arch, hookups.interrupts());
        if (arch.equals("aarch64")) {
            if (Long.compareUnsigned(spec.length(), Pl011.WINDOW) < 0) {
                throw new IllegalArgumentException("emu_devices '" + spec.name() + "': length 0x"
                        + Long.toHexString(spec.length()) + " is smaller than the PL011's 0x1000-byte register window");
            }
            return new Pl011(spec.name(), spec.baseGpa(), spec.length(), hookups.consoleOut(), hookups.consoleIn(), line);
        }
        long shift = spec.cfg(0, 0);
        if (shift < 0 || shift > Uart16550MmioDevice.MAX_REG_SHIFT) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': cfg_list[0] (reg_shift) " + shift
                    + " is not 0, 1 or 2");
        }
        long io = spec.cfg(1, 0);
        if (io != 0 && io != 1) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': cfg_list[1] (io) " + io
                    + " is not 0 (MMIO) or 1 (port I/O)");
        }
        if (io == 1 && !arch.equals("x86_64")) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': cfg_list[1] = 1 asks for port I/O, which "
                    + arch + " does not have");
        }
        if (io == 1) {
            return portConsole(spec, (int) shift, line, hookups);
        }
        long span = (long) Uart16550.REGISTER_COUNT << shift;
        if (Long.compareUnsigned(spec.length(), span) < 0) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': length 0x" + Long.toHexString(spec.length())
                    + " is smaller than the 16550's 8 registers at reg_shift " + shift + " (0x" + Long.toHexString(span) + ")");
        }
        Uart16550 uart = new Uart16550(hookups.consoleOut(), hookups.consoleIn(), line);
        return new Uart16550MmioDevice(spec.name(), spec.baseGpa(), spec.length(), (int) shift, uart);
    }

    private static BaseDeviceOps<?> virtio(EmulatedDeviceSpec spec, String arch, DeviceHookups hookups) {
        if (spec.irqId() == 0) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': irq_id 0: a virtio device needs an interrupt");
        }
        if (Long.compareUnsigned(spec.length(), VirtioMmioDevice.WINDOW) < 0) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': length 0x" + Long.toHexString(spec.length())
                    + " is smaller than the virtio-mmio register window (0x200)");
        }
        InterruptLine line = interruptLine(spec, arch, hookups.interrupts());
        VirtioDevice device = switch (spec.type()) {
            case VIRTIO_BLK -> block(spec);
            case VIRTIO_CONSOLE -> new VirtioConsole(hookups.consoleOut(), hookups.consoleIn());
            default -> new VirtioRng();
        };
        try {
            return new VirtioMmioDevice(spec.name(), spec.baseGpa(), spec.length(), device, line, spec.type());
        } catch (RuntimeException e) {
            if (device instanceof VirtioBlock b) {
                closeQuietly(b, e); // the image stays open only inside a device someone owns
            }
            throw e;
        }
    }

    private static void closeQuietly(VirtioBlock block, RuntimeException cause) {
        try {
            block.close();
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    private static VirtioBlock block(EmulatedDeviceSpec spec) {
        Path image = spec.diskImage().orElseThrow(() -> new IllegalArgumentException("emu_devices '" + spec.name()
                + "': a virtio block device needs its image in devices.disk_images"));
        try {
            return VirtioBlock.open(image, spec.diskReadOnly(), spec.name());
        } catch (IOException e) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': disk image " + e.getMessage(), e);
        }
    }

    private static BaseDeviceOps<?> portConsole(EmulatedDeviceSpec spec, int shift, InterruptLine line,
            DeviceHookups hookups) {
        if (shift != 0) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': ports are byte-spaced; reg_shift "
                    + shift + " needs MMIO");
        }
        long base = spec.baseGpa();
        long last = base + spec.length() - 1;
        if (Long.compareUnsigned(last, 0xffff) > 0) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': ports 0x" + Long.toHexString(base)
                    + "..0x" + Long.toHexString(last) + " run past 0xffff");
        }
        if (spec.length() < Uart16550.REGISTER_COUNT) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': length " + spec.length()
                    + " is fewer than the 16550's 8 ports");
        }
        Uart16550 uart = new Uart16550(hookups.consoleOut(), hookups.consoleIn(), line);
        return new Uart16550PortDevice(spec.name(), (int) base, uart);
    }

    private static InterruptLine interruptLine(EmulatedDeviceSpec spec, String arch, InterruptSink sink) {
        long irq = spec.irqId();
        if (irq == 0) {
            return InterruptLine.disconnected();
        }
        long min;
        long max;
        String what;
        switch (arch) {
            case "x86_64" -> {
                min = 1;
                max = 23;
                what = "an IOAPIC input";
            }
            case "aarch64" -> {
                min = 32;
                max = 1019;
                what = "a GIC SPI";
            }
            default -> {
                min = 1;
                max = 1023;
                what = "a PLIC source";
            }
        }
        if (Long.compareUnsigned(irq, min) < 0 || Long.compareUnsigned(irq, max) > 0) {
            throw new IllegalArgumentException("emu_devices '" + spec.name() + "': irq_id " + Long.toUnsignedString(irq)
                    + " is not " + what + " (" + min + ".." + max + ") on " + arch + "; 0 means none");
        }
        return new InterruptLine(sink, (int) irq, TriggerMode.LEVEL);
    }
}
