package dev.axvm.kvm;

import dev.axvm.kvm.internal.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether this host can run guests on KVM, and if not, why. Tests use it to skip with a clear
 * message; applications use it for a friendly start-up check.
 *
 * @param usable whether a VM could be created
 * @param reason a one-line explanation when not usable, otherwise a summary of the device
 * @param apiVersion KVM's API version (0 when the device could not be opened)
 * @param extension the hardware virtualization underneath, e.g. "AMD SVM (kvm_amd)"
 */
public record KvmAvailability(boolean usable, String reason, int apiVersion, String extension) {

    /** Probes {@link Kvm#DEFAULT_DEVICE}: opens it and creates (and closes) one VM. */
    public static KvmAvailability probe() {
        return probe(Kvm.DEFAULT_DEVICE);
    }

    /** Probes the KVM device at {@code device}. */
    public static KvmAvailability probe(Path device) {
        String extension = virtualizationExtension();
        try (Kvm kvm = Kvm.open(device); KvmVm vm = kvm.createVm()) {
            return new KvmAvailability(!vm.isClosed(), device + ": KVM API " + kvm.apiVersion() + ", " + extension,
                    kvm.apiVersion(), extension);
        } catch (HypervisorUnavailableException | KvmException e) {
            return new KvmAvailability(false, e.getMessage(), 0, extension);
        }
    }

    /**
     * The virtualization extension KVM runs on here: VT-x, SVM, PVM (software, nested), EL2 or
     * the H-extension, judged from the loaded KVM modules and the platform.
     */
    public static String virtualizationExtension() {
        return switch (Platform.arch()) {
            case "aarch64" -> "Arm EL2 (kvm-arm)";
            case "riscv64" -> "RISC-V H-extension (kvm-riscv)";
            case "x86_64" -> x86Extension();
            default -> "none known for " + Platform.id();
        };
    }

    private static String x86Extension() {
        record Module(String name, String description) {}
        for (Module m : List.of(new Module("kvm_intel", "Intel VT-x"), new Module("kvm_amd", "AMD SVM"),
                new Module("kvm_pvm", "PVM (paravirtualized, no VT-x/SVM visible to this host)"))) {
            if (Files.isDirectory(Path.of("/sys/module", m.name()))) {
                return m.description() + " (" + m.name() + ")";
            }
        }
        return "unknown (no kvm_intel, kvm_amd or kvm_pvm module)";
    }
}
