package dev.axvm.config.internal;

import static dev.axvm.config.internal.Addresses.hex;
import static dev.axvm.config.internal.Addresses.range;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.ConfigError;
import dev.axvm.config.ConfigOrigin;
import dev.axvm.config.ConfigWarning;
import dev.axvm.config.EmulatedDeviceConfig;
import dev.axvm.config.EmulatedDeviceType;
import dev.axvm.config.GuestImage;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MemoryRegion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The checks that need the image files: each image that exists must fit in guest RAM from its load
 * address and must not overlap another image. Images that are not there are warned about; with
 * {@code image_location = "memory"} the embedder supplies them and nothing is read.
 */
public final class ImageCheck {
    private final List<ConfigError> errors = new ArrayList<>();
    private final List<ConfigWarning> warnings = new ArrayList<>();

    private ImageCheck() {}

    /**
     * The errors and warnings for {@code config}'s images.
     *
     * @param errors receives the errors
     * @param warnings receives the warnings
     */
    public static void check(AxVMConfig config, List<ConfigError> errors, List<ConfigWarning> warnings) {
        ImageCheck c = new ImageCheck();
        c.run(config);
        errors.addAll(c.errors);
        warnings.addAll(c.warnings);
    }

    /** A loaded image's place in guest memory. */
    private record Placed(GuestImage image, long size) {}

    private void run(AxVMConfig config) {
        ConfigOrigin o = config.origin();
        for (int i = 0; i < config.devices().diskImages().size(); i++) {
            disk(o, "devices.disk_images[" + i + "].path", config.devices().diskImages().get(i).path());
        }
        for (int i = 0; i < config.devices().emuDevices().size(); i++) {
            EmulatedDeviceConfig e = config.devices().emuDevices().get(i);
            if (e.emuType() == EmulatedDeviceType.VIRTIO_BLK && config.devices().diskImage(e.name()).isEmpty()) {
                String field = "devices.emu_devices[" + i + "]";
                warnings.add(new ConfigWarning(ConfigWarning.Kind.DISK_IMAGE_MISSING, o.locate(field), field,
                        "the virtio block device " + Quoting.name(e.name()) + "has no disk image",
                        "add [\"" + e.name() + "\", \"disk.img\"] to devices.disk_images (an AxVM addition); "
                                + "the VM cannot be built without it"));
            }
        }
        List<GuestImage> images = config.kernel().images();
        if (config.kernel().imageLocation() == ImageLocation.MEMORY) {
            String names = images.stream().map(i -> i.kind().imageName()).collect(Collectors.joining(", "));
            warnings.add(new ConfigWarning(ConfigWarning.Kind.IMAGES_IN_MEMORY, o.locate("kernel.image_location"),
                    "kernel.image_location", "\"memory\": the images (" + names + ") are not read from files",
                    "the embedder must hand them to the VM by name, or set image_location = \"fs\" to load the files"));
            return;
        }
        List<Placed> placed = new ArrayList<>();
        for (GuestImage img : images) {
            String field = "kernel." + img.kind().pathKey();
            Path file;
            try {
                file = o.resolve(img.path());
            } catch (InvalidPathException e) {
                continue; // ConfigRules has reported the path
            }
            if (!Files.exists(file)) {
                warnings.add(new ConfigWarning(ConfigWarning.Kind.IMAGE_NOT_FOUND, o.locate(field), field,
                        "\"" + Quoting.path(img.path()) + "\" does not exist"
                                + (file.toString().equals(img.path()) ? "" : " at " + Quoting.path(file.toString())),
                        "the " + img.kind().imageName() + " cannot be checked to fit in guest RAM until it does"));
                continue;
            }
            if (!Files.isRegularFile(file)) {
                error(o, field, "\"" + Quoting.path(img.path()) + "\" is not a regular file", "an image file");
                continue;
            }
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                error(o, field, "\"" + Quoting.path(img.path()) + "\" cannot be read: " + e.getClass().getSimpleName(),
                        "a readable image file");
                continue;
            }
            if (size == 0) {
                error(o, field, "\"" + Quoting.path(img.path()) + "\" is empty", "an image file with the guest's code or data");
                continue;
            }
            if (fits(o, field, img, size, config.kernel().memoryRegions())) {
                placed.add(new Placed(img, size));
            }
        }
        placed.sort(Comparator.comparingLong(p -> p.image().loadAddr() ^ Long.MIN_VALUE));
        for (int i = 1; i < placed.size(); i++) {
            Placed a = placed.get(i - 1);
            Placed b = placed.get(i);
            if (Addresses.overlap(a.image().loadAddr(), a.size(), b.image().loadAddr(), b.size())) {
                Placed later = a.image().kind().ordinal() > b.image().kind().ordinal() ? a : b;
                Placed earlier = later == a ? b : a;
                error(o, "kernel." + later.image().kind().pathKey(), "the " + later.image().kind().imageName() + " at "
                        + range(later.image().loadAddr(), later.size()) + " overlaps the " + earlier.image().kind().imageName()
                        + " at " + range(earlier.image().loadAddr(), earlier.size()), "images at load addresses that do not overlap");
            }
        }
    }

    /** A virtio block device's image: a regular file of whole 512-byte sectors, at least one. */
    private void disk(ConfigOrigin o, String field, String path) {
        Path file;
        try {
            file = o.resolve(path);
        } catch (InvalidPathException e) {
            error(o, field, "\"" + Quoting.path(path) + "\" is not a valid path", "the image file's path");
            return;
        }
        String shown = "\"" + Quoting.path(path) + "\"" + (file.toString().equals(path) ? "" : " (" + Quoting.path(file.toString()) + ")");
        if (!Files.exists(file)) {
            error(o, field, shown + " does not exist", "a raw disk image file");
            return;
        }
        if (!Files.isRegularFile(file)) {
            error(o, field, shown + " is not a regular file", "a raw disk image file");
            return;
        }
        try {
            long size = Files.size(file);
            if (size == 0 || size % 512 != 0) {
                error(o, field, shown + " is " + size + " bytes, not a whole number of 512-byte sectors",
                        "an image whose size is a non-zero multiple of 512 (e.g. truncate -s 64M disk.img)");
            }
        } catch (IOException e) {
            error(o, field, shown + " cannot be read: " + e.getClass().getSimpleName(), "a readable image file");
        }
    }

    /**
     * Whether {@code [loadAddr, loadAddr + size)} lies in guest RAM, letting it run across regions
     * that touch; reports the first byte that does not.
     */
    private boolean fits(ConfigOrigin o, String field, GuestImage img, long size, List<MemoryRegion> regions) {
        long start = img.loadAddr();
        if (Addresses.wraps(start, size)) {
            error(o, field, "the " + img.kind().imageName() + " (" + hex(size) + " bytes) at " + hex(start)
                    + " runs past the end of the address space", "an image that fits in guest RAM from its load address");
            return false;
        }
        long last = Addresses.last(start, size);
        long cursor = start;
        while (true) {
            MemoryRegion holder = null;
            for (MemoryRegion r : regions) {
                if (r.contains(cursor)) {
                    holder = r;
                    break;
                }
            }
            if (holder == null) {
                if (cursor == start) {
                    return false; // ConfigRules has reported the load address
                }
                error(o, field, "the " + img.kind().imageName() + " is " + hex(size) + " bytes: loaded at " + hex(start)
                        + " it ends at " + Addresses.endHex(start, size) + ", past the end of guest RAM at " + hex(cursor),
                        "an image that fits in guest RAM from " + img.kind().loadAddrKey());
                return false;
            }
            long holderLast = holder.lastAddress();
            if (Long.compareUnsigned(holderLast, last) >= 0) {
                return true;
            }
            cursor = holderLast + 1;
        }
    }

    private void error(ConfigOrigin o, String field, String problem, String expected) {
        errors.add(new ConfigError(o.locate(field), field, problem, expected));
    }
}
