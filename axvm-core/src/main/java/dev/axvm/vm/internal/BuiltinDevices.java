package dev.axvm.vm.internal;

import dev.axvm.addrspace.DeviceAddrRange;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.addrspace.PortRange;
import dev.axvm.device.BaseDeviceOps;
import dev.axvm.device.DeviceHookups;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.TriggerMode;
import dev.axvm.device.pc.AcpiSleepRegisters;
import dev.axvm.device.pc.CmosRtc;
import dev.axvm.device.pc.I8042;
import dev.axvm.device.pc.PciConfigPorts;
import dev.axvm.device.pc.PostCodePort;
import dev.axvm.device.platform.DebugExitDevice;
import dev.axvm.device.platform.PowerOffDevice;
import dev.axvm.device.uart.Pl011;
import dev.axvm.device.uart.Uart16550;
import dev.axvm.device.uart.Uart16550MmioDevice;
import dev.axvm.device.uart.Uart16550PortDevice;
import dev.axvm.vm.acpi.AcpiTables;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices a VM gets unless its config says {@code builtin_devices = false}: a console on every
 * architecture; on x86 also the power-off and debug-exit ports and the legacy PC platform.
 *
 * <table>
 *   <caption>Built-in devices</caption>
 *   <tr><th>arch</th><th>device</th><th>where</th><th>interrupt</th></tr>
 *   <tr><td>x86_64</td><td>16550 UART (COM1)</td><td>ports 0x3f8-0x3ff</td><td>IRQ 4</td></tr>
 *   <tr><td>x86_64</td><td>power-off (write 0x2000)</td><td>ports 0x604-0x607</td><td>-</td></tr>
 *   <tr><td>x86_64</td><td>debug exit (value = exit status)</td><td>ports 0x501-0x504</td><td>-</td></tr>
 *   <tr><td>x86_64</td><td>ACPI sleep control/status (S5 = power-off)</td><td>ports 0x600-0x601</td><td>-</td></tr>
 *   <tr><td>x86_64</td><td>PCI configuration (no devices), reset control</td><td>ports 0xcf8-0xcff</td><td>-</td></tr>
 *   <tr><td>x86_64</td><td>i8042 keyboard controller (reset)</td><td>ports 0x60, 0x64</td><td>IRQ 1</td></tr>
 *   <tr><td>x86_64</td><td>CMOS RTC (host time, UTC)</td><td>ports 0x70-0x71</td><td>-</td></tr>
 *   <tr><td>x86_64</td><td>POST code (ignored)</td><td>port 0x80</td><td>-</td></tr>
 *   <tr><td>aarch64</td><td>PL011 UART</td><td>0x0900_0000, 4 KiB</td><td>SPI 1 (INTID 33)</td></tr>
 *   <tr><td>riscv64</td><td>16550 UART, byte-spaced</td><td>0x1000_0000, 256 bytes</td><td>PLIC source 10</td></tr>
 * </table>
 *
 * A built-in is left out when the config's own devices or RAM already occupy its range.
 */
public final class BuiltinDevices {
    /** The aarch64 console's base, as QEMU's virt machine. */
    public static final long PL011_BASE = 0x0900_0000L;
    /** The aarch64 console's INTID (SPI 1). */
    public static final int PL011_INTID = 33;
    /** The riscv64 console's base, as QEMU's virt machine. */
    public static final long RISCV_UART_BASE = 0x1000_0000L;
    /** The riscv64 console's PLIC source. */
    public static final int RISCV_UART_IRQ = 10;

    private BuiltinDevices() {}

    /** The built-ins for {@code arch}, minus those whose range is in {@code occupied}. */
    public static List<BaseDeviceOps<?>> create(String arch, DeviceHookups hookups, List<DeviceAddrRange> occupied) {
        List<BaseDeviceOps<?>> out = new ArrayList<>();
        switch (arch) {
            case "x86_64" -> {
                add(out, occupied, new Uart16550PortDevice("com1", Uart16550PortDevice.COM1_PORT, new Uart16550(
                        hookups.consoleOut(), hookups.consoleIn(), line(hookups, Uart16550PortDevice.COM1_IRQ))));
                add(out, occupied, new PowerOffDevice(hookups.control()));
                add(out, occupied, new DebugExitDevice(hookups.control()));
                // The legacy PC a stock Linux kernel probes (and the registers its ACPI tables name).
                add(out, occupied, new AcpiSleepRegisters(AcpiTables.SLEEP_CONTROL_PORT, hookups.control()));
                add(out, occupied, new PciConfigPorts(hookups.control()));
                new I8042(hookups.control(), new InterruptLine(hookups.interrupts(), I8042.IRQ, TriggerMode.EDGE)).ports()
                        .forEach(p -> add(out, occupied, p));
                add(out, occupied, new CmosRtc(Clock.systemUTC()));
                add(out, occupied, new PostCodePort());
            }
            case "aarch64" -> add(out, occupied, new Pl011("pl011", PL011_BASE, Pl011.WINDOW, hookups.consoleOut(),
                    hookups.consoleIn(), line(hookups, PL011_INTID)));
            case "riscv64" -> add(out, occupied, new Uart16550MmioDevice("uart0", RISCV_UART_BASE, 0x100, 0,
                    new Uart16550(hookups.consoleOut(), hookups.consoleIn(), line(hookups, RISCV_UART_IRQ))));
            default -> throw new IllegalArgumentException("no built-in devices for architecture '" + arch + "'");
        }
        return out;
    }

    private static InterruptLine line(DeviceHookups hookups, int number) {
        return new InterruptLine(hookups.interrupts(), number, TriggerMode.LEVEL);
    }

    private static void add(List<BaseDeviceOps<?>> out, List<DeviceAddrRange> occupied, BaseDeviceOps<?> device) {
        DeviceAddrRange range = device.addressRange();
        for (DeviceAddrRange taken : occupied) {
            if (sameKind(taken, range) && taken.overlaps(range)) {
                return;
            }
        }
        out.add(device);
    }

    private static boolean sameKind(DeviceAddrRange a, DeviceAddrRange b) {
        return (a instanceof PortRange) == (b instanceof PortRange) && (a instanceof GuestPhysAddrRange) == (b instanceof GuestPhysAddrRange);
    }
}
