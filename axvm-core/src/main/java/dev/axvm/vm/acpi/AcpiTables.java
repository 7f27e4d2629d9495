package dev.axvm.vm.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import dev.axvm.config.AxVMConfig;
import dev.axvm.config.EmulatedDeviceConfig;
import dev.axvm.config.GuestArch;
import dev.axvm.device.pc.AcpiSleepRegisters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ACPI tables of an emulated x86 PC, generated from the VM: RSDP → XSDT → FADT (hardware
 * reduced, with sleep control/status and reset registers) → DSDT (COM1 and every virtio-mmio
 * device, {@code LNRO0005}), and MADT (a local APIC per vCPU, the IOAPIC, IRQ0 → GSI 2). Laid out
 * from {@code base} in guest-physical memory, each table 16-byte aligned; {@link #bytes()} is the
 * whole block to copy there, and the RSDP is its first 36 bytes (put {@code base} in the
 * 0xE0000..0xFFFFF window, or pass it in boot_params' {@code acpi_rsdp_addr}).
 *
 * @param base the guest-physical address of the block
 * @param vcpus the number of vCPUs (local APIC ids 0..n-1)
 * @param virtio the virtio-mmio devices: base addresses (0x200-byte windows) and their GSIs
 * @param legacyPc whether the VM has the built-in PC devices: COM1, the i8042 (PNP0303) and the
 *     CMOS RTC (PNP0B00) are then described in the DSDT
 */
public record AcpiTables(long base, int vcpus, List<VirtioMmio> virtio, boolean legacyPc) {
    /** A virtio-mmio transport at {@code gpa} interrupting on {@code gsi}. */
    public record VirtioMmio(long gpa, int gsi) {}

    /** The local APIC's and the IOAPIC's standard addresses. */
    public static final long LAPIC = 0xfee0_0000L;
    public static final long IOAPIC = 0xfec0_0000L;
    /** The sleep control and status registers (I/O ports) and the reset register. */
    public static final int SLEEP_CONTROL_PORT = 0x600;
    public static final int SLEEP_STATUS_PORT = 0x601;
    public static final int RESET_PORT = 0xcf9;
    public static final int RESET_VALUE = 0x06;

    private static final int RSDP_SIZE = 36;

    /** Checks the inputs. */
    public AcpiTables {
        if (vcpus < 1 || vcpus > 255) {
            throw new IllegalArgumentException(vcpus + " vCPUs: the MADT's xAPIC entries hold 1..255");
        }
        virtio = List.copyOf(Objects.requireNonNull(virtio, "virtio"));
        if (virtio.size() > 1000) {
            throw new IllegalArgumentException(virtio.size() + " virtio devices: names V000..V999 hold 1000");
        }
    }

    /**
     * The tables of {@code config} (an x86_64 guest) at {@code base}: its vCPU count, the virtio
     * entries of its {@code emu_devices} (base address and {@code irq_id} as the GSI) and, unless
     * {@code builtin_devices = false}, the built-in PC devices.
     *
     * @throws IllegalArgumentException when the config is for another architecture
     */
    public static AcpiTables of(AxVMConfig config, long base) {
        GuestArch arch = config.base().arch().orElse(GuestArch.X86_64);
        if (arch != GuestArch.X86_64) {
            throw new IllegalArgumentException("ACPI tables describe x86_64 guests; this config is for " + arch.tomlName());
        }
        List<VirtioMmio> virtio = new ArrayList<>();
        for (EmulatedDeviceConfig d : config.devices().emuDevices()) {
            switch (d.emuType()) {
                case VIRTIO_BLK, VIRTIO_CONSOLE, VIRTIO_RNG, VIRTIO_NET -> virtio.add(new VirtioMmio(d.baseGpa(), (int) d.irqId()));
                default -> {
                    // described elsewhere (COM1) or not at all
                }
            }
        }
        return new AcpiTables(base, config.base().cpuNum(), virtio, config.devices().builtinDevices());
    }

    /** Each table by its signature, in the order of {@link #bytes()}: RSDP (as "RSDP"), XSDT, FACP, DSDT, APIC. */
    public Map<String, byte[]> tables() {
        byte[] block = bytes();
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("RSDP", Arrays.copyOf(block, RSDP_SIZE));
        int at = (int) (align(base + RSDP_SIZE) - base);
        while (at < block.length) {
            int length = ByteBuffer.wrap(block, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            out.put(new String(block, at, 4, java.nio.charset.StandardCharsets.US_ASCII), Arrays.copyOfRange(block, at, at + length));
            at = (int) (align(base + at + length) - base);
        }
        return out;
    }

    /** The whole block: RSDP, XSDT, FADT, DSDT, MADT. */
    public byte[] bytes() {
        byte[] dsdt = dsdt();
        byte[] madt = madt();
        long xsdtAt = align(base + RSDP_SIZE);
        int xsdtSize = AcpiTable.HEADER + 2 * 8;
        long fadtAt = align(xsdtAt + xsdtSize);
        byte[] fadtProbe = fadt(0);
        long dsdtAt = align(fadtAt + fadtProbe.length);
        long madtAt = align(dsdtAt + dsdt.length);
        byte[] xsdt = AcpiTable.of("XSDT", 1, Aml.concat(Aml.le(fadtAt, 8), Aml.le(madtAt, 8)));
        byte[] fadt = fadt(dsdtAt);
        byte[] out = new byte[(int) (madtAt + madt.length - base)];
        System.arraycopy(rsdp(xsdtAt), 0, out, 0, RSDP_SIZE);
        System.arraycopy(xsdt, 0, out, (int) (xsdtAt - base), xsdt.length);
        System.arraycopy(fadt, 0, out, (int) (fadtAt - base), fadt.length);
        System.arraycopy(dsdt, 0, out, (int) (dsdtAt - base), dsdt.length);
        System.arraycopy(madt, 0, out, (int) (madtAt - base), madt.length);
        return out;
    }

    private static long align(long a) {
        return (a + 15) & ~15L;
    }

    /** ACPI 2.0+ RSDP: no RSDT, the XSDT's address, both checksums. */
    byte[] rsdp(long xsdtAt) {
        ByteBuffer b = ByteBuffer.allocate(RSDP_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(AcpiTable.ascii("RSD PTR ", 8)).put((byte) 0).put(AcpiTable.ascii(AcpiTable.OEM_ID, 6)).put((byte) 2)
                .putInt(0).putInt(RSDP_SIZE).putLong(xsdtAt).put((byte) 0).put(new byte[3]);
        byte[] r = b.array();
        r[8] = AcpiTable.checksum(r, 0, 20);
        r[32] = AcpiTable.checksum(r, 0, RSDP_SIZE);
        return r;
    }

    /** FADT revision 6.5 (276 bytes): hardware-reduced, reset register and sleep registers on ports. */
    byte[] fadt(long dsdtAt) {
        ByteBuffer b = ByteBuffer.allocate(276 - AcpiTable.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(40 - 36, (int) dsdtAt); // DSDT (32-bit), for readers that want it below 4 GiB
        int flags = (1 << 10) | (1 << 20); // RESET_REG_SUP, HW_REDUCED_ACPI
        b.putInt(112 - 36, flags);
        gas(b, 116 - 36, 1, 8, RESET_PORT);              // RESET_REG: system I/O, 8 bits
        b.put(128 - 36, (byte) RESET_VALUE);
        b.put(131 - 36, (byte) 5);                         // FADT minor version: 6.5
        b.putLong(140 - 36, dsdtAt);                       // X_DSDT
        gas(b, 244 - 36, 1, 8, SLEEP_CONTROL_PORT);      // SLEEP_CONTROL_REG
        gas(b, 256 - 36, 1, 8, SLEEP_STATUS_PORT);       // SLEEP_STATUS_REG
        b.put(268 - 36, AcpiTable.ascii("AXVMJAVA", 8)); // hypervisor vendor identity
        return AcpiTable.of("FACP", 6, b.array());
    }

    /** A Generic Address Structure: address space, bit width, byte access, address. */
    private static void gas(ByteBuffer b, int at, int space, int bits, long address) {
        b.put(at, (byte) space).put(at + 1, (byte) bits).put(at + 2, (byte) 0).put(at + 3, (byte) 1).putLong(at + 4, address);
    }

    /** MADT: one enabled local APIC per vCPU, the IOAPIC at GSI 0, ISA IRQ 0 → GSI 2. */
    byte[] madt() {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * vcpus + 12 + 10).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) LAPIC).putInt(1); // PCAT_COMPAT: there are 8259s to mask
        for (int i = 0; i < vcpus; i++) {
            b.put((byte) 0).put((byte) 8).put((byte) i).put((byte) i).putInt(1);
        }
        b.put((byte) 1).put((byte) 12).put((byte) 0).put((byte) 0).putInt((int) IOAPIC).putInt(0);
        b.put((byte) 2).put((byte) 10).put((byte) 0).put((byte) 0).putInt(2).putShort((short) 0);
        return AcpiTable.of("APIC", 6, b.array());
    }

    /**
     * DSDT: {@code \_S5} (sleep type {@link AcpiSleepRegisters#SLP_TYP_S5} for the sleep control
     * register), and in {@code \_SB} the legacy PC devices and one LNRO0005 device per
     * virtio-mmio transport.
     */
    byte[] dsdt() {
        List<byte[]> devices = new ArrayList<>();
        if (legacyPc) {
            devices.add(Aml.device("COM1", Aml.name("_HID", Aml.eisaId("PNP0501")), Aml.name("_UID", Aml.integer(0)),
                    Aml.name("_CRS", Aml.buffer(Aml.resources(Aml.io(0x3f8, 8), Aml.irqNoFlags(4))))));
            devices.add(Aml.device("PS2K", Aml.name("_HID", Aml.eisaId("PNP0303")),
                    Aml.name("_CRS", Aml.buffer(Aml.resources(Aml.io(0x60, 1), Aml.io(0x64, 1), Aml.irqNoFlags(1))))));
            devices.add(Aml.device("RTC_", Aml.name("_HID", Aml.eisaId("PNP0B00")),
                    Aml.name("_CRS", Aml.buffer(Aml.resources(Aml.io(0x70, 2))))));
        }
        for (int i = 0; i < virtio.size(); i++) {
            VirtioMmio v = virtio.get(i);
            devices.add(Aml.device(String.format("V%03d", i), Aml.name("_HID", Aml.string("LNRO0005")),
                    Aml.name("_UID", Aml.integer(i)),
                    Aml.name("_CRS", Aml.buffer(Aml.resources(Aml.memory32Fixed(v.gpa(), 0x200), Aml.interrupt(v.gsi()))))));
        }
        byte[] s5 = Aml.name("_S5_", Aml.packageOf(Aml.integer(AcpiSleepRegisters.SLP_TYP_S5),
                Aml.integer(AcpiSleepRegisters.SLP_TYP_S5)));
        return AcpiTable.of("DSDT", 2, Aml.concat(s5, Aml.scope("\\_SB_", devices.toArray(byte[][]::new))));
    }
}
