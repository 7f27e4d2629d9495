package dev.axvm.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axvm.config.AxVMConfig;
import dev.axvm.config.GuestArch;
import dev.axvm.config.ImageLocation;
import dev.axvm.config.MapType;
import dev.axvm.vm.testkit.MockHal;
import dev.axvm.vm.testkit.ScriptedBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images read from files: only regular files, and never more than they held when checked. */
class ImageFileTest {
    @TempDir
    Path dir;

    private static AxVMConfig config(Path kernel) {
        return AxVMConfig.builder().name("file-image").id(9).cpuNum(1).arch(GuestArch.X86_64).entryPoint(0x8000)
                .kernel(kernel.toString(), 0x8000).imageLocation(ImageLocation.FS)
                .memoryRegion(0, 16 << 20, 0x7, MapType.MAP_ALLOC).build();
    }

    /**
     * The config check sees a regular file, but a reboot reloads the image: a path swapped for a
     * FIFO since then must fail that reboot at once (the VM stops, saying why), not block the
     * rebooting thread on a read that never ends.
     */
    @Test
    void aKernelSwappedForAFifoAfterTheBuildFailsTheRebootInsteadOfBlockingIt() throws Exception {
        Path kernel = Files.write(dir.resolve("kernel.bin"), new byte[] {(byte) 0xf4});
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> vm = AxVM.builder(config(kernel), hal)
                     .backend(new ScriptedBackend("x86_64", (n, id) -> List.of())).build()) {
            Files.delete(kernel);
            Process mkfifo;
            try {
                mkfifo = new ProcessBuilder("mkfifo", kernel.toString()).inheritIO().start();
            } catch (IOException e) {
                assumeTrue(false, "mkfifo (coreutils) is not installed: " + e.getMessage());
                return;
            }
            assertEquals(0, mkfifo.waitFor());
            vm.boot();
            assertEquals(Transition.FAILED, assertTimeoutPreemptively(Duration.ofSeconds(5), vm::reboot));
            assertEquals(VmStatus.STOPPED, vm.status());
            assertEquals("reboot failed: dev.axvm.vm.ImageLoadException: kernel '" + kernel + "': " + kernel
                    + " is not a regular file", vm.stopCause().detail());
        }
    }

    @Test
    void aKernelSwappedForADirectoryFailsTheRebootNamingIt() throws Exception {
        Path kernel = Files.write(dir.resolve("kernel.bin"), new byte[] {(byte) 0xf4});
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> vm = AxVM.builder(config(kernel), hal)
                     .backend(new ScriptedBackend("x86_64", (n, id) -> List.of())).build()) {
            Files.delete(kernel);
            Files.createDirectory(kernel);
            vm.boot();
            assertEquals(Transition.FAILED, vm.reboot());
            assertTrue(vm.stopCause().detail().endsWith(kernel + " is not a regular file"), vm.stopCause().detail());
            assertEquals(1, hal.liveRamBlocks(), "only the RAM the failed reboot allocated, held until the close");
        }
    }

    @Test
    void aRegularFileLoads() throws Exception {
        Path kernel = Files.write(dir.resolve("kernel.bin"), new byte[] {(byte) 0xf4, 1, 2});
        try (MockHal hal = new MockHal();
             AxVM<MockHal, ?> vm = AxVM.builder(config(kernel), hal)
                     .backend(new ScriptedBackend("x86_64", (n, id) -> List.of())).build()) {
            assertEquals((byte) 0xf4, vm.addrSpace().readByte(0x8000));
            assertEquals(2, vm.addrSpace().readByte(0x8002));
        }
    }
}
