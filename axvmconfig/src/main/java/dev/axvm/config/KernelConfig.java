package dev.axvm.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code [kernel]} table: the images, where they go, where the guest starts, and its memory.
 *
 * @param entryPoint the guest-physical address the boot vCPU starts at
 * @param kernelPath the kernel image
 * @param kernelLoadAddr where the kernel image is loaded
 * @param biosPath a BIOS image, if any
 * @param biosLoadAddr where the BIOS image is loaded
 * @param dtbPath a device-tree blob, if any
 * @param dtbLoadAddr where the device tree is (AxVisor accepts an address without a path)
 * @param ramdiskPath a ramdisk image, if any
 * @param ramdiskLoadAddr where the ramdisk is loaded
 * @param imageLocation where the images come from (default {@link ImageLocation#FS})
 * @param cmdline the kernel command line, if any
 * @param diskPath a disk image, if any
 * @param memoryRegions the guest's memory
 * @param entryMode the x86 processor mode at the entry point ({@code entry_mode}, our addition);
 *     empty means real mode
 */
public record KernelConfig(long entryPoint, String kernelPath, long kernelLoadAddr,
        Optional<String> biosPath, OptionalLong biosLoadAddr,
        Optional<String> dtbPath, OptionalLong dtbLoadAddr,
        Optional<String> ramdiskPath, OptionalLong ramdiskLoadAddr,
        ImageLocation imageLocation, Optional<String> cmdline, Optional<String> diskPath,
        List<MemoryRegion> memoryRegions, Optional<X86EntryMode> entryMode) {

    /** Checks presence and copies the list. */
    public KernelConfig {
        Objects.requireNonNull(kernelPath, "kernelPath");
        Objects.requireNonNull(biosPath, "biosPath");
        Objects.requireNonNull(biosLoadAddr, "biosLoadAddr");
        Objects.requireNonNull(dtbPath, "dtbPath");
        Objects.requireNonNull(dtbLoadAddr, "dtbLoadAddr");
        Objects.requireNonNull(ramdiskPath, "ramdiskPath");
        Objects.requireNonNull(ramdiskLoadAddr, "ramdiskLoadAddr");
        Objects.requireNonNull(imageLocation, "imageLocation");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(diskPath, "diskPath");
        memoryRegions = List.copyOf(memoryRegions);
        Objects.requireNonNull(entryMode, "entryMode");
    }

    /** The path of image {@code kind}, if the config names one. */
    public Optional<String> path(ImageKind kind) {
        return switch (kind) {
            case KERNEL -> Optional.of(kernelPath);
            case BIOS -> biosPath;
            case DTB -> dtbPath;
            case RAMDISK -> ramdiskPath;
        };
    }

    /** The load address of image {@code kind}, if the config gives one. */
    public OptionalLong loadAddr(ImageKind kind) {
        return switch (kind) {
            case KERNEL -> OptionalLong.of(kernelLoadAddr);
            case BIOS -> biosLoadAddr;
            case DTB -> dtbLoadAddr;
            case RAMDISK -> ramdiskLoadAddr;
        };
    }

    /** The images to load: each one with both a path and a load address, kernel first. */
    public List<GuestImage> images() {
        List<GuestImage> out = new ArrayList<>(4);
        for (ImageKind k : ImageKind.values()) {
            Optional<String> p = path(k);
            OptionalLong a = loadAddr(k);
            if (p.isPresent() && a.isPresent()) {
                out.add(new GuestImage(k, p.get(), a.getAsLong()));
            }
        }
        return List.copyOf(out);
    }

    /** The sum of the region sizes in bytes (regions are disjoint, so this fits in 64 bits unsigned). */
    public long memorySize() {
        long sum = 0;
        for (MemoryRegion r : memoryRegions) {
            sum += r.size();
        }
        return sum;
    }
}
