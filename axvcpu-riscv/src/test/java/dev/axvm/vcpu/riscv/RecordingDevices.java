package dev.axvm.vcpu.riscv;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.vcpu.DeviceAccessHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.LongConsumer;

/**
 * A device handler for tests: a 16550's transmit, receive and line-status registers (enough for
 * polled I/O), the report and acknowledge registers, and other MMIO recorded/answered.
 */
class RecordingDevices implements DeviceAccessHandler {
    record Access(long address, AccessWidth width, long value) {}

    final ByteArrayOutputStream uart = new ByteArrayOutputStream();
    final Queue<Byte> uartInput = new ArrayDeque<>();
    final List<Long> reports = new ArrayList<>();
    final List<Access> mmioWrites = new ArrayList<>();
    final Map<Long, Long> mmioValues = new HashMap<>();
    /** Called with each reported value, on the vCPU thread, before the guest goes on. */
    LongConsumer onReport = v -> { };
    /** Called when the guest acknowledges an interrupt. */
    Runnable onAck = () -> { };

    String uart() {
        return uart.toString(StandardCharsets.US_ASCII);
    }

    void type(String input) {
        for (byte b : input.getBytes(StandardCharsets.US_ASCII)) {
            uartInput.add(b);
        }
    }

    @Override
    public long mmioRead(long addr, AccessWidth width) {
        if (addr == RiscvPlatform.UART_BASE) {
            Byte b = uartInput.poll();
            return b == null ? 0 : b & 0xff;
        }
        if (addr == RiscvPlatform.UART_BASE + 5) {
            return 0x60 | (uartInput.isEmpty() ? 0 : 1);
        }
        return mmioValues.getOrDefault(addr, -1L) & width.mask();
    }

    @Override
    public void mmioWrite(long addr, AccessWidth width, long value) {
        if (addr == RiscvPlatform.UART_BASE) {
            uart.write((int) value);
        } else if (addr == RiscvTestGuests.REPORT) {
            reports.add(value);
            onReport.accept(value);
        } else if (addr == RiscvTestGuests.ACK) {
            onAck.run();
        } else {
            mmioWrites.add(new Access(addr, width, value & width.mask()));
        }
    }

    @Override
    public long ioRead(int port, AccessWidth width) {
        throw new AssertionError("riscv64 has no port I/O");
    }

    @Override
    public void ioWrite(int port, AccessWidth width, long value) {
        throw new AssertionError("riscv64 has no port I/O");
    }

    @Override
    public long sysRegRead(long addr) {
        return 0;
    }

    @Override
    public void sysRegWrite(long addr, long value) {
        mmioWrites.add(new Access(addr, AccessWidth.QWORD, value));
    }

    @Override
    public boolean nestedPageFault(long addr, MappingFlags access) {
        return false;
    }
}
