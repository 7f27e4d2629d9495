package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * architecture, and its guest fits its RAM at the entry point. An example whose guest the build
 * could not assemble (no compiler for that architecture: they are optional) is skipped, named.
 * (x86_64's runs in HelloVmKvmTest; aarch64's and riscv64's in {@code bin/cross-arch-test <arch> --example}.)
 */
class ExampleConfigsTest {
    @ParameterizedTest
    @EnumSource(GuestArch.class)
    void theExampleLoadsCleanlyForItsArchitecture(GuestArch arch) throws IOException {
        Path toml = TestGuests.EXAMPLES.resolve("hello-" + arch.tomlName() + ".toml");
        Path image = TestGuests.EXAMPLES.resolve("target/hello-" + arch.tomlName() + ".bin");
        // Its guest is assembled only where that architecture's compiler is installed (optional).
        assumeTrue(Files.exists(image), () -> image + " was not built: the build had no "
                + (GuestArch.host().orElse(null) == arch ? "" : arch.tomlName() + "-linux-gnu-") + "gcc");
        LoadedConfig loaded = AxVMConfigs.load(toml);
        assertEquals(List.of(), loaded.warnings(), toml.toString());
        AxVMConfig config = loaded.config();
        assertEquals(arch, config.base().arch().orElseThrow(), "arch of " + toml);
        assertEquals("hello-" + arch.tomlName(), config.base().name());
        assertEquals(config.kernel().entryPoint(), config.kernel().kernelLoadAddr(), "the guest starts at its first byte");

        assertEquals(image, toml.resolveSibling(config.kernel().kernelPath()).normalize(), "the kernel it names");
        long ramEnd = config.kernel().memoryRegions().getFirst().gpa() + config.kernel().memoryRegions().getFirst().size();
        long size = Files.size(image);
        assertTrue(size > 0 && config.kernel().kernelLoadAddr() + size <= ramEnd, image + ": " + size + " bytes");
    }
}
