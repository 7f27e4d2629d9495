package dev.axvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [devices] disk_images} (our addition) and the checks on virtio entries. */
class DiskImagesTest {
    @TempDir
    Path dir;

    private Path write(String disks) throws IOException {
        Path file = dir.resolve("vm.toml");
        Files.writeString(file, ValidTemplate.with("passthrough_devices = []", "passthrough_devices = []\n" + disks));
        return file;
    }

    private String error(String disks) throws IOException {
        Path file = write(disks);
        ConfigException e = assertThrows(ConfigException.class, () -> AxVMConfigs.load(file));
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.getMessage().replace(file.toString(), "vm.toml").replace(dir.toString(), "DIR");
    }

    @Test
    void aDiskImageBacksItsVirtioBlockDeviceAndSurvivesTheRoundTrip() throws IOException {
        Files.write(dir.resolve("disk.img"), new byte[64 * 1024]);
        LoadedConfig loaded = AxVMConfigs.load(write("disk_images = [[\"virtio-blk\", \"disk.img\", true]]"));
        DiskImageConfig disk = loaded.config().devices().diskImage("virtio-blk").orElseThrow();
        assertEquals(new DiskImageConfig("virtio-blk", "disk.img", true), disk);
        assertTrue(loaded.warnings().stream().noneMatch(w -> w.kind() == ConfigWarning.Kind.DISK_IMAGE_MISSING));
        assertTrue(ConfigExtension.usedBy(loaded.config()).contains(ConfigExtension.DISK_IMAGES));
        String toml = AxVMConfigs.toToml(loaded.config());
        assertTrue(toml.contains("disk_images = [\n  [\"virtio-blk\", \"disk.img\", true],\n]"), toml);
    }

    @Test
    void aVirtioBlockDeviceWithoutAnImageIsAWarning() throws IOException {
        List<ConfigWarning> w = AxVMConfigs.load(write("")).warnings().stream()
                .filter(x -> x.kind() == ConfigWarning.Kind.DISK_IMAGE_MISSING).toList();
        assertEquals(1, w.size());
        assertTrue(w.getFirst().line().contains(":27:3: devices.emu_devices[1]: the virtio block device \"virtio-blk\" has no disk image"),
                w.getFirst().line());
    }

    @Test
    void aMissingImageIsOneLineNamingTheFieldAndTheFile() throws IOException {
        assertEquals("vm.toml:30:31: devices.disk_images[0].path: \"nope.img\" (DIR/nope.img) does not exist "
                + "(expected a raw disk image file)", error("disk_images = [[\"virtio-blk\", \"nope.img\"]]"));
    }

    @Test
    void anImageOfNoWholeNumberOfSectorsIsRefused() throws IOException {
        Files.write(dir.resolve("odd.img"), new byte[1000]);
        assertEquals("vm.toml:30:31: devices.disk_images[0].path: \"odd.img\" (DIR/odd.img) is 1000 bytes, not a whole "
                + "number of 512-byte sectors (expected an image whose size is a non-zero multiple of 512 "
                + "(e.g. truncate -s 64M disk.img))", error("disk_images = [[\"virtio-blk\", \"odd.img\"]]"));
    }

    @Test
    void aDirectoryIsNoImage() throws IOException {
        Files.createDirectory(dir.resolve("d.img"));
        assertTrue(error("disk_images = [[\"virtio-blk\", \"d.img\"]]").contains("is not a regular file"));
    }

    @Test
    void anImageForNoBlockDeviceIsRefused() throws IOException {
        Files.write(dir.resolve("disk.img"), new byte[512]);
        assertEquals("vm.toml:30:45: devices.disk_images[1].name: \"uart\" is no VirtioBlk (0xE1) entry of emu_devices "
                + "(expected the name of a virtio block device)",
                error("disk_images = [[\"virtio-blk\", \"disk.img\"], [\"uart\", \"disk.img\"]]"));
    }

    @Test
    void readOnlyMustBeABoolean() throws IOException {
        Files.write(dir.resolve("disk.img"), new byte[512]);
        assertTrue(error("disk_images = [[\"virtio-blk\", \"disk.img\", 1]]")
                .contains("devices.disk_images[0].read_only: is the integer 1 (expected true or false)"));
    }

    @Test
    void virtioDevicesNeedAnInterruptAndTheirRegisterWindow() throws IOException {
        Path file = dir.resolve("v.toml");
        Files.writeString(file, ValidTemplate.with("[\"virtio-blk\", 0xfe00_1000, 0x1000, 5, 0xE1, [1]]",
                "[\"rng\", 0xfe00_1000, 0x100, 0, 0xE4, []]"));
        ConfigException e = assertThrows(ConfigException.class, () -> AxVMConfigs.load(file));
        assertEquals(2, e.errors().size(), e.getMessage());
        assertTrue(e.getMessage().contains("devices.emu_devices[1].length: 0x100 bytes is smaller than the virtio-mmio register window"),
                e.getMessage());
        assertTrue(e.getMessage().contains("devices.emu_devices[1].irq_id: 0: a virtio device cannot work without an interrupt"),
                e.getMessage());
    }
}
