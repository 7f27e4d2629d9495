package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.InterruptMode;
import dev.axvm.config.MapType;
import dev.axvm.config.X86EntryMode;
import dev.axvm.vm.acpi.AcpiTables;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedBackend;
import dev.axvm.vm.testkit.ScriptedVCpu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An x86 Linux kernel, as a bzImage (64-bit boot protocol) and as an ELF vmlinux with a PVH note:
 * where the kernel, the zero page or start info, the command line, the initial ramdisk and the ACPI
 * tables land, what they say, how the boot vCPU enters, and what the loader refuses.
 */
class X86LinuxBootTest {
    private static final long RAM_SIZE = 64L << 20;
    private static final long KERNEL = 0x100_0000L;
    private static final String CMDLINE = "console=ttyS0 rdinit=/init panic=-1";
    private static final int SETUP_SECTS = 4;
    private static final int PAYLOAD = 8192;

    /** A bzImage of boot protocol {@code version} with {@code xloadflags}, its payload bytes counting up. */
    static byte[] bzImage(int version, int xloadflags) {
        byte[] image = new byte[(SETUP_SECTS + 1) * 512 + PAYLOAD];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) SETUP_SECTS).putShort(0x1fe, (short) 0xaa55).put(0x201, (byte) 0x66).putInt(0x202, 0x5372_6448);
        b.putShort(0x206, (short) version).put(0x211, (byte) 0x01).putInt(0x22c, 0x7fff_ffff).putInt(0x230, 0x20_0000);
        b.put(0x234, (byte) 1).putShort(0x236, (short) xloadflags).putInt(0x238, 2047).putLong(0x258, KERNEL)
                .putInt(0x260, 0x40_0000);
        for (int i = 0; i < PAYLOAD; i++) {
            image[(SETUP_SECTS + 1) * 512 + i] = (byte) i;
        }
        return image;
    }

    /** An ELF vmlinux: one PT_LOAD of {@code code} at {@code KERNEL}, and a PT_NOTE with the given notes. */
    static byte[] vmlinux(byte[] code, byte[] notes) {
        int phoff = 64;
        int notesAt = phoff + 2 * 56;
        int codeAt = notesAt + notes.length;
        ByteBuffer b = ByteBuffer.allocate(codeAt + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}).putShort(16, (short) 2).putShort(18, (short) 62)
                .putLong(24, 0xffff_ffff_8100_0000L).putLong(32, phoff).putShort(54, (short) 56).putShort(56, (short) 2);
        b.putInt(phoff, 1).putLong(phoff + 8, codeAt).putLong(phoff + 24, KERNEL).putLong(phoff + 32, code.length)
                .putLong(phoff + 40, code.length + 4096);
        b.putInt(phoff + 56, 4).putLong(phoff + 56 + 8, notesAt).putLong(phoff + 56 + 32, notes.length);
        b.put(notesAt, notes).put(codeAt, code);
        return b.array();
    }

    /** One ELF note: name (NUL-terminated, padded), type, descriptor. */
    static byte[] note(String name, int type, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        int nameLen = (n.length + 3) & ~3;
        int descLen = (desc.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + nameLen + descLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n.length).putInt(desc.length).putInt(type).put(n).position(12 + nameLen);
        b.put(desc);
        return b.array();
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static AxVMConfigBuilder config(String kernel, int cpus) {
        return AxVMConfig.builder().name("linux-x86").id(7).cpuNum(cpus).arch(GuestArch.X86_64).entryPoint(KERNEL)
                .kernel(kernel, KERNEL).ramdisk("initrd").imageLocation(ImageLocation.MEMORY).cmdline(CMDLINE)
                .interruptMode(InterruptMode.EMULATED).memoryRegion(0, RAM_SIZE, 0x7, MapType.MAP_ALLOC);
    }

    private ScriptedBackend backend;

    private AxVM<MockHal, ?> build(MockHal hal, AxVMConfig config, byte[] kernel, byte[] initrd) {
        backend = new ScriptedBackend("x86_64", (n, id) -> List.of());
        return AxVM.builder(config, hal).backend(backend).image(config.kernel().kernelPath(), kernel)
                .image("initrd", initrd).build();
    }

    private List<String> bspCalls() {
        ScriptedVCpu bsp = backend.vms().getLast().vcpus().getFirst();
        return bsp.calls();
    }

    private static ByteBuffer guest(AxVM<?, ?> vm, long gpa, int length) {
        byte[] out = new byte[length];
        vm.addrSpace().read(gpa, out, 0, length);
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String cString(AxVM<?, ?> vm, long gpa) {
        ByteBuffer b = guest(vm, gpa, 4096);
        int n = 0;
        while (b.get(n) != 0) {
            n++;
        }
        return new String(b.array(), 0, n, StandardCharsets.UTF_8);
    }

    /** The e820 entries of a table of {@code count} entries of {@code stride} bytes at {@code table}. */
    private static List<String> memoryMap(ByteBuffer page, int table, int count, int stride) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = table + i * stride;
            out.add(String.format("0x%x+0x%x:%d", page.getLong(at), page.getLong(at + 8), page.getInt(at + 16)));
        }
        return out;
    }

    private static final List<String> MAP = List.of("0x0+0x9fc00:1", "0x9fc00+0x60400:2",
            String.format("0x100000+0x%x:1", RAM_SIZE - 0x10_0000));

    @Test
    void aBzImageEntersInLongModeAtItsSixtyFourBitEntryWithTheZeroPageInRsi() {
        byte[] kernel = bzImage(0x020f, 0x1);
        byte[] initrd = new byte[5000];
        initrd[0] = 0x1f;
        try (MockHal hal = new MockHal(); AxVM<MockHal, ?> vm = build(hal, config("bzImage", 2).build(), kernel, initrd)) {
            assertTrue(bspCalls().contains("setEntry GPA 0x" + Long.toHexString(KERNEL + 0x200)), bspCalls().toString());
            assertTrue(bspCalls().contains("setup LONG arg=0x8000"), bspCalls().toString());
            assertArrayEquals(java.util.Arrays.copyOfRange(kernel, 5 * 512, kernel.length),
                    guest(vm, KERNEL, PAYLOAD).array(), "the protected-mode kernel at kernel_load_addr");

            ByteBuffer zp = guest(vm, 0x8000, 4096);
            assertEquals(0x5372_6448, zp.getInt(0x202), "the kernel's setup header is copied in");
            assertEquals(0x020f, zp.getShort(0x206));
            assertEquals(0xff, zp.get(0x210) & 0xff, "type_of_loader");
            assertEquals(0x2_0000, zp.getInt(0x228), "cmd_line_ptr");
            assertEquals(CMDLINE, cString(vm, 0x2_0000));
            long ramdisk = Integer.toUnsignedLong(zp.getInt(0x218));
            assertEquals(5000, zp.getInt(0x21c));
            assertEquals(0, zp.getInt(0x0c0), "ext_ramdisk_image: below 4 GiB");
            assertEquals((RAM_SIZE - 5000) & ~0xfffL, ramdisk, "the ramdisk at the top of RAM");
            assertEquals(0x1f, guest(vm, ramdisk, 1).get(0));
            assertEquals(0xe_0000, zp.getLong(0x070), "acpi_rsdp_addr");
            assertEquals("RSD PTR ", new String(guest(vm, 0xe_0000, 8).array(), StandardCharsets.US_ASCII));
            assertEquals(3, zp.get(0x1e8), "e820_entries");
            assertEquals(MAP, memoryMap(zp, 0x2d0, 3, 20));
            assertTrue(vm.notes().stream().anyMatch(n -> n.contains("bzImage, 64-bit boot protocol 2.15")), vm.notes().toString());
        }
    }

    @Test
    void aVmlinuxWithAPvhNoteEntersInProtectedModeWithTheStartInfoInRbx() {
        byte[] notes = concat(note("Linux", 6, new byte[4]), note("Xen", 18, le64(KERNEL + 0x40)));
        byte[] kernel = vmlinux(new byte[] {(byte) 0xf4, 0x11, 0x22}, notes);
        byte[] initrd = new byte[300];
        try (MockHal hal = new MockHal(); AxVM<MockHal, ?> vm = build(hal, config("vmlinux", 1).build(), kernel, initrd)) {
            assertTrue(bspCalls().contains("setEntry GPA 0x" + Long.toHexString(KERNEL + 0x40)), bspCalls().toString());
            assertTrue(bspCalls().contains("setup PROTECTED arg=0x8000"), bspCalls().toString());
            ByteBuffer si = guest(vm, 0x8000, 4096);
            assertEquals(0x336e_c578, si.getInt(0), "hvm_start_info magic");
            assertEquals(1, si.getInt(4), "version 1: with a memory map");
            assertEquals(1, si.getInt(12), "one module: the ramdisk");
            long modules = si.getLong(16);
            assertEquals(0x2_0000, si.getLong(24), "cmdline_paddr");
            assertEquals(CMDLINE, cString(vm, 0x2_0000));
            assertEquals(0xe_0000, si.getLong(32), "rsdp_paddr");
            ByteBuffer module = guest(vm, modules, 32);
            assertEquals((RAM_SIZE - 300) & ~0xfffL, module.getLong(0));
            assertEquals(300, module.getLong(8));
            int memmap = (int) (si.getLong(40) - 0x8000);
            assertEquals(3, si.getInt(48));
            assertEquals(MAP, memoryMap(si, memmap, 3, 24));
            assertEquals(0x11, guest(vm, KERNEL + 1, 1).get(0), "the PT_LOAD segment at its physical address");
        }
    }

    @Test
    void theResetVectorWritesTheFadtsResetValueToTheResetRegisterForAGuestThatRestartsThroughTheBios() {
        byte[] kernel = vmlinux(new byte[] {(byte) 0xf4}, note("Xen", 18, le64(KERNEL)));
        try (MockHal hal = new MockHal(); AxVM<MockHal, ?> vm = build(hal, config("vmlinux", 1).build(), kernel, new byte[16])) {
            // mov al, 0x06; mov dx, 0xcf9; out dx, al; hlt; jmp hlt
            assertArrayEquals(new byte[] {(byte) 0xb0, 0x06, (byte) 0xba, (byte) 0xf9, 0x0c, (byte) 0xee, (byte) 0xf4,
                (byte) 0xeb, (byte) 0xfd}, guest(vm, 0xf_fff0, 9).array());
            assertEquals(AcpiTables.RESET_PORT, 0xcf9);
            assertEquals(AcpiTables.RESET_VALUE, 0x06);
        }
    }

    @Test
    void aBzImageThatCannotBeEnteredInSixtyFourBitModeIsRefusedNamingTheField() {
        try (MockHal hal = new MockHal()) {
            ImageLoadException e = assertThrows(ImageLoadException.class,
                    () -> build(hal, config("bzImage", 1).build(), bzImage(0x020f, 0), new byte[1]));
            assertTrue(e.getMessage().contains("kernel 'bzImage': bzImage offset 0x236: xloadflags 0x0 lacks XLF_KERNEL_64"),
                    e.getMessage());
            e = assertThrows(ImageLoadException.class,
                    () -> build(hal, config("bzImage", 1).build(), bzImage(0x020b, 1), new byte[1]));
            assertTrue(e.getMessage().contains("offset 0x206: boot protocol 2.11 is older than 2.12"), e.getMessage());
        }
    }

    @Test
    void aTruncatedBzImageIsRefusedWithOneLine() {
        byte[] kernel = java.util.Arrays.copyOf(bzImage(0x020f, 1), 0x250);
        try (MockHal hal = new MockHal()) {
            ImageLoadException e = assertThrows(ImageLoadException.class,
                    () -> build(hal, config("bzImage", 1).build(), kernel, new byte[1]));
            assertTrue(e.getMessage().contains("offset 0x201: the setup header ends at 0x268"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    @Test
    void aMisalignedLoadAddressAndAWrongEntryPointAreRefused() {
        try (MockHal hal = new MockHal()) {
            AxVMConfig misaligned = config("bzImage", 1).kernel("bzImage", KERNEL + 0x1000).entryPoint(KERNEL + 0x1000).build();
            ImageLoadException e = assertThrows(ImageLoadException.class,
                    () -> build(hal, misaligned, bzImage(0x020f, 1), new byte[1]));
            assertTrue(e.getMessage().contains("must be a multiple of the kernel's kernel_alignment 0x200000"), e.getMessage());
            AxVMConfig entry = config("bzImage", 1).entryPoint(KERNEL + 0x10).build();
            e = assertThrows(ImageLoadException.class, () -> build(hal, entry, bzImage(0x020f, 1), new byte[1]));
            assertTrue(e.getMessage().contains("entry_point 0x1000010"), e.getMessage());
        }
    }

    @Test
    void aCommandLineLongerThanTheKernelTakesIsRefused() {
        try (MockHal hal = new MockHal()) {
            AxVMConfig config = config("bzImage", 1).cmdline("x".repeat(2048)).build();
            ImageLoadException e = assertThrows(ImageLoadException.class,
                    () -> build(hal, config, bzImage(0x020f, 1), new byte[1]));
            assertEquals("kernel.cmdline has 2048 bytes; this kernel takes at most 2047", e.getMessage());
        }
    }

    @Test
    void aLinuxKernelWithoutTheInKernelIrqchipOrWithAnotherEntryModeIsRefused() {
        try (MockHal hal = new MockHal()) {
            AxVMConfig noIrq = config("bzImage", 1).interruptMode(InterruptMode.NO_IRQ).build();
            VmBuildException e = assertThrows(VmBuildException.class, () -> build(hal, noIrq, bzImage(0x020f, 1), new byte[1]));
            assertTrue(e.getMessage().contains("set interrupt_mode = \"emulated\""), e.getMessage());
            AxVMConfig real = config("bzImage", 1).entryMode(X86EntryMode.REAL).build();
            e = assertThrows(VmBuildException.class, () -> build(hal, real, bzImage(0x020f, 1), new byte[1]));
            assertTrue(e.getMessage().contains("kernel.entry_mode is real, but this kernel (bzImage"), e.getMessage());
        }
    }

    @Test
    void aPvhNoteThatRunsPastItsSegmentIsRefused() {
        byte[] bad = note("Xen", 18, le64(KERNEL));
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 64); // descriptor size beyond the segment
        try (MockHal hal = new MockHal()) {
            ImageLoadException e = assertThrows(ImageLoadException.class,
                    () -> build(hal, config("vmlinux", 1).build(), vmlinux(new byte[16], bad), new byte[1]));
            assertTrue(e.getMessage().contains("runs past its PT_NOTE segment"), e.getMessage());
        }
    }

    @Test
    void aKernelLoadedOverTheBootStructuresIsRefusedNamingBoth() {
        byte[] kernel = vmlinux(new byte[16], note("Xen", 18, le64(KERNEL)));
        ByteBuffer.wrap(kernel).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 24, 0x8000); // PT_LOAD over the start info
        try (MockHal hal = new MockHal()) {
            ImageLoadException e = assertThrows(ImageLoadException.class,
                    () -> build(hal, config("vmlinux", 1).build(), kernel, new byte[1]));
            assertTrue(e.getMessage().contains("overlaps the PVH start info at [0x8000, 0x9000)"), e.getMessage());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
