package dev.axvm.vm.internal.boot;

import dev.axvm.config.MemoryRegion;
import java.util.ArrayList;
import java.util.Comparator;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The physical memory map an x86 guest is handed (boot_params' e820 table, PVH's memmap), derived
 * from the VM's memory regions: every RAM region is usable RAM except the legacy hole from the
 * top of conventional memory (0x9fc00, where an EBDA would start) to 1 MiB — VGA, option ROMs and
 * the BIOS area, where this VM keeps its ACPI tables — which is reported reserved. Regions the
 * config marks as device memory are left out.
 *
 * @param entries the entries in address order
 */
public record E820Map(List<Entry> entries) {
    /** Usable RAM. */
    public static final int RAM = 1;
    /** Reserved: the guest must not use it as RAM. */
    public static final int RESERVED = 2;
    /** The start of the legacy hole (the top of conventional memory). */
    public static final long LEGACY_HOLE = 0x9_fc00;
    /** The end of the legacy hole. */
    public static final long ONE_MIB = 0x10_0000;
    /** The most entries boot_params holds. */
    public static final int MAX_ENTRIES = 128;

    /** One range and its type. */
    public record Entry(long addr, long size, int type) {}

    /** Checks the count. */
    public E820Map {
        entries = List.copyOf(entries);
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(entries.size() + " memory map entries; boot_params holds " + MAX_ENTRIES);
        }
    }

    /** The map of {@code regions}. */
    public static E820Map of(List<MemoryRegion> regions) {
        List<Entry> out = new ArrayList<>();
        for (MemoryRegion r : regions) {
            if ((r.flags() & MemoryRegion.DEVICE) != 0) {
                continue;
            }
            long start = r.gpa();
            long end = r.gpa() + r.size();
            add(out, start, Math.min(end, LEGACY_HOLE), RAM);
            add(out, Math.max(start, LEGACY_HOLE), Math.min(end, ONE_MIB), RESERVED);
            add(out, Math.max(start, ONE_MIB), end, RAM);
        }
        out.sort(Comparator.comparingLong(Entry::addr));
        return new E820Map(out);
    }

    /**
     * Writes the entries into {@code b} from {@code at}, {@code stride} bytes apart, each as
     * address (8), size (8), type (4): boot_params' e820 entries (stride 20) and PVH's memory map
     * entries (stride 24, the rest reserved) share that layout.
     */
    public void writeTo(ByteBuffer b, int at, int stride) {
        for (Entry e : entries) {
            b.putLong(at, e.addr()).putLong(at + 8, e.size()).putInt(at + 16, e.type());
            at += stride;
        }
    }

    private static void add(List<Entry> out, long start, long end, int type) {
        if (end > start) {
            out.add(new Entry(start, end - start, type));
        }
    }
}
