package dev.axvm.vcpu.arm;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.vcpu.DeviceAccessHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** A device handler for tests: PL011 output, the report register, and MMIO recorded/answered. */
class RecordingDevices implements DeviceAccessHandler {
    record Access(long address, AccessWidth width, long value) {}

    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final List<Long> reports = new ArrayList<>();
    final List<Access> mmioWrites = new ArrayList<>();
    final Map<Long, Long> mmioValues = new HashMap<>();
    /** Called with each reported value, on the vCPU thread, before the guest goes on. */
    LongConsumer onReport = v -> { };

    String console() {
        return console.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public long mmioRead(long addr, AccessWidth width) {
        return mmioValues.getOrDefault(addr, -1L) & width.mask();
    }

    @Override
    public void mmioWrite(long addr, AccessWidth width, long value) {
        if (addr == ArmPlatform.PL011_BASE) {
            console.write((int) value);
        } else if (addr == ArmTestGuests.REPORT) {
            reports.add(value);
            onReport.accept(value);
        } else {
            mmioWrites.add(new Access(addr, width, value & width.mask()));
        }
    }

    @Override
    public long ioRead(int port, AccessWidth width) {
        throw new AssertionError("aarch64 has no port I/O");
    }

    @Override
    public void ioWrite(int port, AccessWidth width, long value) {
        throw new AssertionError("aarch64 has no port I/O");
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
