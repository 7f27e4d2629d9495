package dev.axvm.device.pc;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.PortRange;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.PortDevice;
import dev.axvm.device.StatefulDevice;
import dev.axvm.device.VmControl;
import java.util.List;
import java.util.Objects;

/**
 * An i8042 keyboard controller with a keyboard that never types and no auxiliary (mouse) port:
 * enough for a guest's driver to probe it quickly and find a keyboard, and the classic reset path
 * (command 0xFE, or the output port's reset line pulled low) that Linux falls back to when ACPI
 * reset fails. The data port (0x60) and the command/status port (0x64) are two {@link PortDevice}s
 * ({@link #ports()}) that share this controller.
 *
 * <p>Bytes the controller or keyboard answer wait in a 16-byte output buffer (a guest that never
 * reads cannot grow it); while keyboard interrupts are enabled in the command byte, each byte
 * ready raises IRQ 1 (edge).
 */
public final class I8042 implements StatefulDevice {
    /** The data port. */
    public static final int DATA_PORT = 0x60;
    /** The command (write) and status (read) port. */
    public static final int COMMAND_PORT = 0x64;
    /** The keyboard's ISA interrupt. */
    public static final int IRQ = 1;

    static final int STATUS_OUTPUT_FULL = 1;
    static final int STATUS_SYSTEM = 1 << 2;
    static final int STATUS_COMMAND = 1 << 3;
    static final int STATUS_UNLOCKED = 1 << 4;
    static final int COMMAND_BYTE_KBD_INT = 1;
    static final int COMMAND_BYTE_SYSTEM = 1 << 2;
    static final int COMMAND_BYTE_AUX_DISABLED = 1 << 5;
    static final int COMMAND_BYTE_XLATE = 1 << 6;
    private static final int OUTPUT_CAPACITY = 16;
    private static final int STATE_VERSION = 1;
    private static final int STATE_FIXED = 7;
    private static final int STATUS_KEPT = STATUS_SYSTEM | STATUS_COMMAND | STATUS_UNLOCKED;

    private final VmControl control;
    private final InterruptLine irq;
    private final byte[] output = new byte[OUTPUT_CAPACITY];
    private int head;
    private int count;
    private int commandByte = COMMAND_BYTE_KBD_INT | COMMAND_BYTE_SYSTEM | COMMAND_BYTE_AUX_DISABLED | COMMAND_BYTE_XLATE;
    private int status = STATUS_SYSTEM | STATUS_UNLOCKED;
    // The controller command whose parameter the next data byte is (0: none).
    private int pendingCommand;
    private boolean keyboardWantsParameter;

    /** A controller that resets through {@code control} and interrupts on {@code irq}. */
    public I8042(VmControl control, InterruptLine irq) {
        this.control = Objects.requireNonNull(control, "control");
        this.irq = Objects.requireNonNull(irq, "irq");
    }

    /** The data port and the command/status port, in that order. */
    public List<PortDevice> ports() {
        return List.of(new Port(DATA_PORT, "i8042-data"), new Port(COMMAND_PORT, "i8042-command"));
    }

    synchronized int readStatus() {
        return status | (count > 0 ? STATUS_OUTPUT_FULL : 0);
    }

    synchronized int readData() {
        if (count == 0) {
            return output[(head + OUTPUT_CAPACITY - 1) % OUTPUT_CAPACITY] & 0xff; // the last byte, as hardware repeats it
        }
        int b = output[head] & 0xff;
        head = (head + 1) % OUTPUT_CAPACITY;
        count--;
        irq.lower();
        if (count > 0) {
            signal();
        }
        return b;
    }

    synchronized void writeCommand(int command) {
        status |= STATUS_COMMAND;
        pendingCommand = 0;
        switch (command) {
            case 0x20 -> push(commandByte);                            // read the command byte
            case 0x60, 0xd1 -> pendingCommand = command;              // write the command byte / output port
            case 0xa7 -> commandByte |= COMMAND_BYTE_AUX_DISABLED;   // disable the (absent) aux port
            case 0xa8 -> commandByte &= ~COMMAND_BYTE_AUX_DISABLED;
            case 0xa9 -> push(0x01);                                   // aux interface test: clock line stuck low, no aux
            case 0xaa -> push(0x55);                                   // controller self-test passed
            case 0xab -> push(0x00);                                   // keyboard interface test passed
            case 0xad, 0xae -> { }                                     // keyboard disable/enable: no keys anyway
            case 0xd0 -> push(0x01);                                   // output port: reset line high (not in reset)
            case 0xfe -> control.reset();                              // pulse the reset line
            default -> {
                if ((command & 0xf0) == 0xf0 && (command & 1) == 0) {
                    control.reset();                                   // pulse output lines, the reset line among them
                }
                // Other commands (aux loop/write, vendor specifics) find no aux port and answer nothing.
            }
        }
    }

    synchronized void writeData(int value) {
        status &= ~STATUS_COMMAND;
        int command = pendingCommand;
        pendingCommand = 0;
        if (command == 0x60) {
            commandByte = value & 0x7f;
            status = (status & ~STATUS_SYSTEM) | (value & COMMAND_BYTE_SYSTEM);
        } else if (command == 0xd1) {
            if ((value & 1) == 0) {
                control.reset(); // the output port's bit 0 is the processor reset line, active low
            }
        } else {
            keyboard(value);
        }
    }

    /** A byte for the keyboard: each command is acknowledged; reset and identify answer as a standard MF2 keyboard. */
    private void keyboard(int value) {
        if (keyboardWantsParameter) {
            keyboardWantsParameter = false;
            push(0xfa);
            return;
        }
        switch (value) {
            case 0xff -> {
                push(0xfa);
                push(0xaa); // reset, self-test passed
            }
            case 0xf2 -> {
                push(0xfa);
                push(0xab);
                push(0x83); // MF2 keyboard
            }
            case 0xee -> push(0xee); // echo
            case 0xed, 0xf0, 0xf3 -> {
                keyboardWantsParameter = true; // LEDs, scan code set, typematic rate: a parameter follows
                push(0xfa);
            }
            default -> push(0xfa);
        }
    }

    private void push(int b) {
        if (count == OUTPUT_CAPACITY) {
            return; // a guest that never reads loses answers, not host memory
        }
        output[(head + count) % OUTPUT_CAPACITY] = (byte) b;
        count++;
        if (count == 1) {
            signal();
        }
    }

    private void signal() {
        if ((commandByte & COMMAND_BYTE_KBD_INT) != 0) {
            irq.raise();
        }
    }

    /**
     * Encoding 1: the version byte, the command byte, the status bits the controller keeps, the
     * pending controller command (0, 0x60 or 0xd1), whether the keyboard waits for a parameter
     * (0 or 1), the byte a read of an empty buffer repeats, the output buffer's length, then its
     * bytes oldest first. The interrupt line is not
     * driven on a restore: a pending edge is the interrupt controller's state, saved with it.
     */
    @Override
    public synchronized byte[] saveState() {
        byte[] out = new byte[STATE_FIXED + count];
        out[0] = STATE_VERSION;
        out[1] = (byte) commandByte;
        out[2] = (byte) status;
        out[3] = (byte) pendingCommand;
        out[4] = (byte) (keyboardWantsParameter ? 1 : 0);
        out[5] = output[(head + OUTPUT_CAPACITY - 1) % OUTPUT_CAPACITY];
        out[6] = (byte) count;
        for (int i = 0; i < count; i++) {
            out[STATE_FIXED + i] = output[(head + i) % OUTPUT_CAPACITY];
        }
        return out;
    }

    @Override
    public void restoreState(byte[] state) {
        if (state.length < STATE_FIXED || state[0] != STATE_VERSION) {
            throw new IllegalArgumentException("i8042 state: " + (state.length < STATE_FIXED ? state.length
                    + " bytes, fewer than " + STATE_FIXED : "encoding version " + (state[0] & 0xff) + " (this reads 1)"));
        }
        int command = state[1] & 0xff;
        int st = state[2] & 0xff;
        int pending = state[3] & 0xff;
        int wants = state[4] & 0xff;
        int n = state[6] & 0xff;
        String bad = command > 0x7f ? "command byte 0x" + Integer.toHexString(command) + " (offset 1) has bit 7, which is never kept"
                : (st & ~STATUS_KEPT) != 0 ? "status 0x" + Integer.toHexString(st) + " (offset 2) has bits the controller derives"
                : pending != 0 && pending != 0x60 && pending != 0xd1 ? "pending command 0x" + Integer.toHexString(pending)
                        + " (offset 3) takes no parameter"
                : wants > 1 ? "keyboard parameter flag " + wants + " (offset 4)"
                : n > OUTPUT_CAPACITY || state.length != STATE_FIXED + n ? "output buffer of " + n + " bytes (offset 6) in "
                        + state.length + " bytes of state; it holds at most " + OUTPUT_CAPACITY
                : n == OUTPUT_CAPACITY && state[5] != state[STATE_FIXED + n - 1] ? "repeated byte (offset 5) is not the newest of a full"
                        + " buffer, which it always is"
                : null;
        if (bad != null) {
            throw new IllegalArgumentException("i8042 state: " + bad);
        }
        synchronized (this) {
            commandByte = command;
            status = st;
            pendingCommand = pending;
            keyboardWantsParameter = wants == 1;
            java.util.Arrays.fill(output, (byte) 0);
            output[OUTPUT_CAPACITY - 1] = state[5]; // what a read repeats once the n bytes are gone, unless they fill it
            System.arraycopy(state, STATE_FIXED, output, 0, n);
            head = 0;
            count = n;
        }
    }

    /**
     * One of the controller's two ports. Each carries the whole controller's state, so that a VM
     * that snapshots its devices one by one saves the controller with either; restoring it twice
     * is restoring it once.
     */
    private final class Port implements PortDevice, StatefulDevice {
        private final PortRange range;
        private final String name;

        Port(int port, String name) {
            this.range = new PortRange(port, 1);
            this.name = name;
        }

        @Override
        public EmulatedDeviceType emulatedType() {
            return EmulatedDeviceType.DUMMY;
        }

        @Override
        public PortRange addressRange() {
            return range;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long handleRead(long addr, AccessWidth width, DeviceContext context) {
            int b = range.startPort() == DATA_PORT ? readData() : readStatus();
            return width == AccessWidth.BYTE ? b : b | (width.mask() & ~0xffL);
        }

        @Override
        public void handleWrite(long addr, AccessWidth width, long value, DeviceContext context) {
            if (range.startPort() == DATA_PORT) {
                writeData((int) value & 0xff);
            } else {
                writeCommand((int) value & 0xff);
            }
        }

        @Override
        public byte[] saveState() {
            return I8042.this.saveState();
        }

        @Override
        public void restoreState(byte[] state) {
            I8042.this.restoreState(state);
        }

        @Override
        public String toString() {
            return "i8042 " + name + " at " + range;
        }
    }
}
