package dev.axvm.vcpu.x86;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.vcpu.DeviceAccessHandler;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/** A device handler for tests: COM1 output, a report port, scripted input, and MMIO recorded/answered. */
class RecordingDevices implements DeviceAccessHandler {
    record Access(long address, AccessWidth width, long value) {}

    final ByteArrayOutputStream com1 = new ByteArrayOutputStream();
    final List<Long> reports = new ArrayList<>();
    final Queue<Long> input = new ArrayDeque<>();
    final List<Access> mmioWrites = new ArrayList<>();
    final Map<Long, Long> mmioValues = new HashMap<>();
    final List<Access> otherPorts = new ArrayList<>();

    String console() {
        return com1.toString(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The 32-bit report values paired into 64-bit values (low word first). */
    List<Long> reportedQuads() {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i + 1 < reports.size(); i += 2) {
            out.add((reports.get(i) & 0xffff_ffffL) | reports.get(i + 1) << 32);
        }
        return out;
    }

    @Override
    public long mmioRead(long addr, AccessWidth width) {
        return mmioValues.getOrDefault(addr, -1L) & width.mask();
    }

    @Override
    public void mmioWrite(long addr, AccessWidth width, long value) {
        mmioWrites.add(new Access(addr, width, value & width.mask()));
    }

    @Override
    public long ioRead(int port, AccessWidth width) {
        if (port == X86TestGuests.INPUT_PORT && !input.isEmpty()) {
            return input.remove();
        }
        return width.mask();
    }

    @Override
    public void ioWrite(int port, AccessWidth width, long value) {
        switch (port) {
            case X86TestGuests.COM1 -> com1.write((int) value);
            case X86TestGuests.REPORT_PORT -> reports.add(value & width.mask());
            default -> otherPorts.add(new Access(port, width, value));
        }
    }

    @Override
    public long sysRegRead(long addr) {
        return 0;
    }

    @Override
    public void sysRegWrite(long addr, long value) {
        otherPorts.add(new Access(addr, AccessWidth.QWORD, value));
    }

    @Override
    public boolean nestedPageFault(long addr, MappingFlags access) {
        return false;
    }
}
