package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.config.GuestArch;
import dev.axvm.config.LoadedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every architecture has an example VM that loads without a warning and names its own
 * architecture; its guest, where the build could assemble it, fits its RAM at the entry point.
 * (x86_64's runs in HelloVmKvmTest; aarch64's and riscv64's in {@code bin/cross-arch-test <arch> --example}.)
 */
class ExampleConfigsTest {
    @ParameterizedTest
    @EnumSource(GuestArch.class)
    void theExampleLoadsCleanlyForItsArchitecture(GuestArch arch) throws IOException {
        Path toml = TestGuests.EXAMPLES.resolve("hello-" + arch.tomlName() + ".toml");
        LoadedConfig loaded = AxVMConfigs.load(toml);
        assertEquals(List.of(), loaded.warnings(), toml.toString());
        AxVMConfig config = loaded.config();
        assertEquals(arch, config.base().arch().orElseThrow(), "arch of " + toml);
        assertEquals("hello-" + arch.tomlName(), config.base().name());
        assertEquals(config.kernel().entryPoint(), config.kernel().kernelLoadAddr(), "the guest starts at its first byte");

        Path image = toml.resolveSibling(config.kernel().kernelPath());
        if (Files.exists(image)) {
            long ramEnd = config.kernel().memoryRegions().getFirst().gpa() + config.kernel().memoryRegions().getFirst().size();
            long size = Files.size(image);
            assertTrue(size > 0 && config.kernel().kernelLoadAddr() + size <= ramEnd, image + ": " + size + " bytes");
        }
    }
}
