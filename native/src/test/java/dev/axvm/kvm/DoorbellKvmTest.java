package dev.axvm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axvm.kvm.internal.Platform;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KVM_IOEVENTFD through {@link KvmDoorbell}: a guest write that signals instead of exiting. */
class DoorbellKvmTest {
    private static final long BELL = 0x5000;

    @BeforeAll
    static void requireKvm() {
        assumeTrue(Platform.arch().equals("x86_64"), "x86_64 guest; this host is " + Platform.id());
        KvmAvailability kvm = KvmAvailability.probe();
        assumeTrue(kvm.usable(), () -> "KVM unavailable: " + kvm.reason());
    }

    @Test
    void withoutADoorbellTheWriteExitsAsMmio() {
        try (Arena arena = Arena.ofConfined(); Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            ResetVectorGuest.install(arena, vm, "doorbell");
            KvmVcpu vcpu = vm.createVcpu(0);
            vcpu.bindCurrentThread();
            KvmExit exit = vcpu.run();
            assertEquals(KvmExitKind.MMIO, exit.kind());
            assertEquals(BELL, exit.address());
            assertEquals(2, exit.size());
        }
    }

    @Test
    void aDoorbellTakesTheWriteWithoutAnExitAndWakesItsWaiter() {
        try (Arena arena = Arena.ofConfined(); Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            ResetVectorGuest.install(arena, vm, "doorbell");
            try (KvmDoorbell bell = KvmDoorbell.open(vm, BELL, 2)) {
                KvmVcpu vcpu = vm.createVcpu(0);
                vcpu.bindCurrentThread();
                KvmExit exit = vcpu.run();
                assertEquals(KvmExitKind.IO, exit.kind(), "the MMIO write did not exit; the next exit is the OUT");
                assertEquals('B', exit.data());
                assertTrue(bell.await(), "the write rang the doorbell");
                bell.stop();
                assertFalse(bell.await(), "a stopped doorbell wakes nobody for the guest any more");
            }
        }
    }
}
