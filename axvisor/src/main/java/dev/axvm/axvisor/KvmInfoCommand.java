package dev.axvm.axvisor;

import dev.axvm.kvm.Kvm;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.kvm.KvmCapability;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code axvisor kvm-info}: the KVM handshake — API version, virtualization extension, capabilities. */
@Command(name = "kvm-info", mixinStandardHelpOptions = true,
        description = "Show whether this host can run guests: KVM API version, VT-x/SVM/EL2/H-extension, capabilities.")
final class KvmInfoCommand implements Callable<Integer> {

    @Option(names = "--device", paramLabel = "PATH", defaultValue = "/dev/kvm", description = "KVM device (default: ${DEFAULT-VALUE}).")
    Path device;

    @Override
    public Integer call() {
        KvmAvailability a = KvmAvailability.probe(device);
        if (!a.usable()) {
            System.err.println("axvisor: KVM unavailable: " + a.reason());
            return 1;
        }
        try (Kvm kvm = Kvm.open(device)) {
            System.out.println("KVM: " + device + ", API " + kvm.apiVersion());
            System.out.println("virtualization: " + a.extension());
            System.out.println("vCPU run area: " + kvm.vcpuMmapSize() + " bytes");
            for (KvmCapability cap : KvmCapability.values()) {
                System.out.printf("  %-18s %d%n", cap, kvm.checkExtension(cap));
            }
        }
        return 0;
    }
}
