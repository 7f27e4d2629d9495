package dev.axvm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.kvm.internal.NativeLibrary;
import dev.axvm.kvm.internal.Platform;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Opening the KVM device, and the errors a user sees when that cannot work (no KVM needed). */
class KvmDeviceTest {

    @Test
    void missingDeviceGivesAClearHypervisorUnavailableError() {
        Path nowhere = Path.of("/nonexistent/kvm");
        HypervisorUnavailableException e = assertThrows(HypervisorUnavailableException.class, () -> Kvm.open(nowhere));
        assertEquals("/nonexistent/kvm: cannot open: ENOENT (No such file or directory); "
                + "is the kvm module loaded (kvm_intel, kvm_amd) and virtualization enabled?", e.getMessage());
    }

    @Test
    void aFileThatIsNotKvmIsRecognisedAsSuch() {
        HypervisorUnavailableException e = assertThrows(HypervisorUnavailableException.class,
                () -> Kvm.open(Path.of("/dev/null")));
        assertTrue(e.getMessage().startsWith("/dev/null: KVM_GET_API_VERSION failed: ENOTTY"), e.getMessage());
    }

    @Test
    void probeOfAMissingDeviceIsUnusableWithTheReason() {
        KvmAvailability a = KvmAvailability.probe(Path.of("/nonexistent/kvm"));
        assertFalse(a.usable());
        assertEquals(0, a.apiVersion());
        assertTrue(a.reason().contains("ENOENT"), a.reason());
    }

    @Test
    void shimForThisPlatformLoadsAndKnowsItsSymbols() {
        assertTrue(NativeLibrary.lookup().find("axvm_vcpu_run").isPresent());
        assertFalse(NativeLibrary.lookup().find("axvm_no_such_function").isPresent());
    }

    @Test
    void platformNamesMatchThePackagingFolders() {
        String saved = System.getProperty("os.arch");
        try {
            System.setProperty("os.arch", "amd64");
            assertEquals("x86_64", Platform.arch());
            System.setProperty("os.arch", "aarch64");
            assertEquals("aarch64", Platform.arch());
            System.setProperty("os.arch", "riscv64");
            assertEquals("riscv64", Platform.arch());
        } finally {
            System.setProperty("os.arch", saved);
        }
    }
}
