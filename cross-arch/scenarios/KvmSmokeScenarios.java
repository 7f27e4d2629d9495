package dev.axvm.crossarch;

import dev.axvm.kvm.Kvm;
import dev.axvm.kvm.KvmAvailability;
import dev.axvm.kvm.KvmVcpu;
import dev.axvm.kvm.KvmVm;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The smoke scenarios that bin/cross-arch-test runs inside an emulated x86_64, aarch64 or riscv64 Debian
 * guest: they prove the chain JVM → FFM → the project's KVM shim for that architecture → the
 * guest kernel's KVM. Each scenario prints one line that the harness reads back:
 * {@code AXVM-SCENARIO PASS|FAIL <name> <detail>}. The exit status is 0 only when all pass.
 *
 * <p>Usage: {@code KvmSmokeScenarios <expected os.arch>} (aarch64, riscv64, amd64).
 */
public final class KvmSmokeScenarios {

    private KvmSmokeScenarios() {}

    /** A named check; {@code body} returns the detail to report or throws the failure. */
    private record Scenario(String name, Callable<String> body) {}

    /**
     * Runs every scenario in order and reports each.
     *
     * @param args the {@code os.arch} the JVM must report (the guest's architecture)
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: KvmSmokeScenarios <expected os.arch>");
            System.exit(2);
        }
        String expectedArch = args[0];
        List<Scenario> scenarios = List.of(
                new Scenario("jvm-arch", () -> jvmArch(expectedArch)),
                new Scenario("kvm-probe", KvmSmokeScenarios::probe),
                new Scenario("vm-and-vcpu", KvmSmokeScenarios::vmAndVcpu));
        int failed = 0;
        for (Scenario s : scenarios) {
            long start = System.nanoTime();
            String verdict;
            String detail;
            try {
                detail = s.body().call();
                verdict = "PASS";
            } catch (Exception | LinkageError | AssertionError e) {
                // A missing shim surfaces as a LinkageError or ExceptionInInitializerError: report it.
                detail = describe(e);
                verdict = "FAIL";
                failed++;
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.println("AXVM-SCENARIO " + verdict + " " + s.name() + " " + detail + " (" + ms + " ms)");
        }
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }

    private static String jvmArch(String expected) {
        String arch = System.getProperty("os.arch");
        if (!arch.equals(expected)) {
            throw new AssertionError("os.arch is " + arch + ", expected " + expected);
        }
        return "os.arch " + arch + ", Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")";
    }

    private static String probe() {
        KvmAvailability availability = KvmAvailability.probe();
        if (!availability.usable()) {
            throw new AssertionError("KVM not usable: " + availability.reason());
        }
        return availability.reason();
    }

    private static String vmAndVcpu() {
        int api;
        KvmVm closedVm;
        try (Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm(); KvmVcpu vcpu = vm.createVcpu(0)) {
            api = kvm.apiVersion();
            if (api != Kvm.EXPECTED_API_VERSION) {
                throw new AssertionError("KVM API " + api + ", expected " + Kvm.EXPECTED_API_VERSION);
            }
            if (vcpu.runArea().byteSize() != kvm.vcpuMmapSize()) {
                throw new AssertionError("vCPU run area is " + vcpu.runArea().byteSize()
                        + " bytes, KVM_GET_VCPU_MMAP_SIZE says " + kvm.vcpuMmapSize());
            }
            closedVm = vm;
        }
        if (!closedVm.isClosed()) {
            throw new AssertionError("the VM is still open after close()");
        }
        return "KVM API " + api + ", VM and vCPU created";
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            sb.append(" <- ").append(c);
        }
        return sb.toString().replace('\n', ' ');
    }
}
