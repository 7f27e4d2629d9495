package dev.axvm.bench.vm;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MapType;
import dev.axvm.config.X86EntryMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The VMs the lifecycle benchmarks build: 1 vCPU, 64 MiB of RAM, a guest handed in by name. */
final class BenchGuests {
    static final long RAM = 64L << 20;

    private BenchGuests() {}

    static byte[] image(String name) {
        try (InputStream in = BenchGuests.class.getResourceAsStream("/guests/x86_64/" + name + ".bin")) {
            if (in == null) {
                throw new IllegalStateException("guest " + name + " is not on the class path (native guests jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real-mode VM (AxVisor's default) running {@code guest} at 0x8000. */
    static AxVMConfig realMode(String guest) {
        return base(guest).build();
    }

    /** A long-mode VM running {@code guest} at 0x8000. */
    static AxVMConfig longMode(String guest) {
        return base(guest).entryMode(X86EntryMode.LONG).build();
    }

    private static AxVMConfigBuilder base(String guest) {
        return AxVMConfig.builder().name(guest).id(1).cpuNum(1).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel(guest, 0x8000).imageLocation(ImageLocation.MEMORY).memoryRegion(0, RAM, 0x7, MapType.MAP_ALLOC);
    }
}
