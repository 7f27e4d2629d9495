package dev.axvm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axvm.kvm.internal.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The first real guests: three instructions at the x86 reset vector, on this host's KVM. */
class FirstGuestKvmTest {

    @BeforeAll
    static void requireKvm() {
        assumeTrue(Platform.arch().equals("x86_64"), "x86_64 guest; this host is " + Platform.id());
        KvmAvailability kvm = KvmAvailability.probe();
        assumeTrue(kvm.usable(), () -> "KVM unavailable: " + kvm.reason());
    }

    @Test
    void realModeGuestWritesOneByteToCom1ThenHalts() {
        try (Arena arena = Arena.ofConfined(); Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            ResetVectorGuest.install(arena, vm, "reset-vector");
            KvmVcpu vcpu = vm.createVcpu(0);
            vcpu.bindCurrentThread();

            KvmExit exit = vcpu.run();
            assertEquals(KvmExitKind.IO, exit.kind());
            assertEquals(0x3f8, exit.address(), "port");
            assertTrue(exit.isWrite(), "OUT is a write");
            assertEquals(1, exit.size(), "width");
            assertEquals(1, exit.count(), "count");
            assertEquals('A', exit.data(), "byte");

            assertEquals(KvmExitKind.HLT, vcpu.run().kind());
        }
    }

    @Test
    void kickFromAnotherThreadBringsASpinningGuestBack() throws Exception {
        try (Arena arena = Arena.ofConfined(); Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            ResetVectorGuest.install(arena, vm, "reset-vector-spin");
            KvmVcpu vcpu = vm.createVcpu(0);
            CompletableFuture<KvmExitKind> result = CompletableFuture.supplyAsync(() -> {
                vcpu.bindCurrentThread();
                return vcpu.run().kind();
            }, r -> Thread.ofPlatform().daemon().start(r));
            Thread.sleep(50);
            assertFalse(result.isDone(), "the guest spins until kicked");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!result.isDone() && System.nanoTime() < deadline) {
                vcpu.kick();
                Thread.sleep(1);
            }
            assertEquals(KvmExitKind.INTR, result.get(1, TimeUnit.SECONDS));
        }
    }

    @Test
    void kickAfterTheBoundThreadEndedStillStopsTheNextEntry() throws Exception {
        try (Arena arena = Arena.ofConfined(); Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            ResetVectorGuest.install(arena, vm, "reset-vector-spin");
            KvmVcpu vcpu = vm.createVcpu(0);
            AtomicReference<Path> task = new AtomicReference<>();
            Thread bound = Thread.ofPlatform().start(() -> {
                vcpu.bindCurrentThread();
                task.set(Path.of("/proc/self/task").resolve(threadSelf().getFileName()));
            });
            bound.join();
            // join() returns when the Java thread is done; the kernel task may linger a moment longer.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (Files.exists(task.get()) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertFalse(Files.exists(task.get()), "the bound thread's task is gone");
            vcpu.kick(); // the thread's id names no thread now: not an error, the flag does the work
            vcpu.kick();
            CompletableFuture<KvmExitKind> result = CompletableFuture.supplyAsync(() -> vcpu.run().kind(),
                    r -> Thread.ofPlatform().daemon().start(r));
            assertEquals(KvmExitKind.INTR, result.get(5, TimeUnit.SECONDS), "the spinning guest never ran");
        }
    }

    /** This thread's kernel task, as /proc names it ("<pid>/task/<tid>"). */
    private static Path threadSelf() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void secondVcpuWithTheSameIdIsRefusedWithTheErrnoNamed() {
        try (Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            vm.createVcpu(0);
            KvmException e = assertThrows(KvmException.class, () -> vm.createVcpu(0));
            assertEquals("KVM_CREATE_VCPU(0) failed: EEXIST (File exists)", e.getMessage());
            assertEquals(17, e.errno());
        }
    }

    @Test
    void closedVcpuRefusesToRun() {
        try (Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            KvmVcpu vcpu = vm.createVcpu(0);
            vcpu.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, vcpu::run);
            assertEquals("vCPU 0 is closed", e.getMessage());
        }
    }
}
