package dev.axvm.device.uart;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.StatefulDevice;
import java.util.Objects;

/**
 * A {@link Uart16550} in guest-physical memory, register {@code i} at {@code base + (i << regShift)}
 * — the device tree's {@code reg-shift}: 0 for byte spacing (riscv virt's {@code ns16550a} at
 * {@link #RISCV_VIRT_BASE}, IRQ {@link #RISCV_VIRT_IRQ}), 2 for 32-bit spacing (many SoCs, Linux's
 * {@code reg-io-width = <4>}).
 *
 * <p>Offsets and widths: an access at a register's offset reads that register zero-extended to
 * the width, or writes it with the value's low byte (so 32-bit accessors work at shift 2). An
 * access at an offset between registers (shift &gt; 0) or past the last register inside the
 * window reads 0 and writes nothing.
 */
public final class Uart16550MmioDevice implements MmioDevice, StatefulDevice {
    /** Where QEMU's riscv {@code virt} machine puts its UART. */
    public static final long RISCV_VIRT_BASE = 0x1000_0000L;
    /** The riscv {@code virt} UART's PLIC source. */
    public static final int RISCV_VIRT_IRQ = 10;
    /** The largest register shift accepted (32-bit spacing). */
    public static final int MAX_REG_SHIFT = 2;

    private final String name;
    private final GuestPhysAddrRange range;
    private final int regShift;
    private final long registerSpan;
    private final Uart16550 uart;

    /**
     * The UART {@code uart} at {@code [base, base + length)} with registers {@code 1 << regShift} apart.
     *
     * @throws IllegalArgumentException when {@code regShift} is not 0..2, the window is smaller than
     *     the eight registers, or it wraps past 2^64 (the message names the device)
     */
    public Uart16550MmioDevice(String name, long base, long length, int regShift, Uart16550 uart) {
        this.name = Objects.requireNonNull(name, "name");
        this.uart = Objects.requireNonNull(uart, "uart");
        if (regShift < 0 || regShift > MAX_REG_SHIFT) {
            throw new IllegalArgumentException("16550 '" + name + "': reg-shift " + regShift + " is not 0, 1 or 2");
        }
        long span = (long) Uart16550.REGISTER_COUNT << regShift;
        if (Long.compareUnsigned(length, span) < 0) {
            throw new IllegalArgumentException("16550 '" + name + "': length 0x" + Long.toHexString(length)
                    + " is smaller than its " + Uart16550.REGISTER_COUNT + " registers at reg-shift " + regShift
                    + " (0x" + Long.toHexString(span) + " bytes)");
        }
        if (Long.compareUnsigned(base + length - 1, base) < 0) {
            throw new IllegalArgumentException("16550 '" + name + "': GPA 0x" + Long.toHexString(base) + " + length 0x"
                    + Long.toHexString(length) + " wraps past 2^64");
        }
        this.range = new GuestPhysAddrRange(base, length);
        this.regShift = regShift;
        this.registerSpan = span;
    }

    /** The UART behind the window. */
    public Uart16550 uart() {
        return uart;
    }

    /** The register shift. */
    public int regShift() {
        return regShift;
    }

    @Override
    public EmulatedDeviceType emulatedType() {
        return EmulatedDeviceType.CONSOLE;
    }

    @Override
    public GuestPhysAddrRange addressRange() {
        return range;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long handleRead(long addr, AccessWidth width, DeviceContext context) {
        int reg = register(addr - range.start());
        return reg < 0 ? 0 : uart.readRegister(reg);
    }

    @Override
    public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
        int reg = register(addr - range.start());
        if (reg >= 0) {
            uart.writeRegister(reg, (int) value);
        }
    }

    /** The register at {@code offset}, or -1 when none is there. */
    private int register(long offset) {
        if (Long.compareUnsigned(offset, registerSpan) >= 0 || (offset & ((1L << regShift) - 1)) != 0) {
            return -1;
        }
        return (int) (offset >>> regShift);
    }

    @Override
    public String toString() {
        return "16550 '" + name + "' at " + range + " reg-shift " + regShift;
    }

    /** The UART's state ({@link Uart16550#saveState}). */
    @Override
    public byte[] saveState() {
        return uart.saveState();
    }

    @Override
    public void restoreState(byte[] state) {
        uart.restoreState(state);
    }
}
