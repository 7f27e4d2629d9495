package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigBuilder;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MapType;
import dev.axvm.config.X86EntryMode;
import dev.axvm.kvm.KvmAvailability;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Test guests from native/guests/x86_64 as VM configs, and the KVM precondition. */
final class TestGuests {
    /** The repository's examples folder; {@code -Daxvm.examples} names another (the nested harness stages a copy). */
    static final Path EXAMPLES = Path.of(System.getProperty("axvm.examples", "../examples")).toAbsolutePath().normalize();

    private TestGuests() {}

    static void requireX86Kvm() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "x86_64 guests; this host is " + System.getProperty("os.arch"));
        KvmAvailability kvm = KvmAvailability.probe();
        assumeTrue(kvm.usable(), () -> "KVM unavailable: " + kvm.reason());
    }

    static byte[] image(String name) {
        try (InputStream in = TestGuests.class.getResourceAsStream("/guests/x86_64/" + name + ".bin")) {
            assertNotNull(in, "guest " + name + " was not assembled");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A long-mode VM running {@code guest} (handed in by name) with {@code cpus} vCPUs and 16 MiB of RAM. */
    static AxVMConfigBuilder longMode(String guest, int cpus) {
        return AxVMConfig.builder().name(guest).id(7).cpuNum(cpus).arch(GuestArch.X86_64).entryPoint(0x8000)
                .entryMode(X86EntryMode.LONG).kernel(guest, 0x8000).imageLocation(ImageLocation.MEMORY)
                .memoryRegion(0, 16 << 20, 0x7, MapType.MAP_ALLOC);
    }
}
