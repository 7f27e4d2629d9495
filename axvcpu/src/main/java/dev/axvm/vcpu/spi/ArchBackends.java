package dev.axvm.vcpu.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds architecture backends with {@link ServiceLoader}. */
public final class ArchBackends {
    private ArchBackends() {}

    /** Every backend on the module or class path. */
    public static List<ArchBackend> all() {
        List<ArchBackend> found = new ArrayList<>();
        ServiceLoader.load(ArchBackend.class, ArchBackends.class.getClassLoader()).forEach(found::add);
        return found;
    }

    /**
     * The backend for {@code architecture}.
     *
     * @throws UnsupportedOperationException naming the architectures that are available
     */
    public static ArchBackend forArchitecture(String architecture) {
        List<ArchBackend> all = all();
        for (ArchBackend b : all) {
            if (b.architecture().equals(architecture)) {
                return b;
            }
        }
        List<String> names = all.stream().map(ArchBackend::architecture).toList();
        throw new UnsupportedOperationException("no vCPU backend for architecture '" + architecture + "' (available: "
                + (names.isEmpty() ? "none; add axvcpu-x86, axvcpu-arm or axvcpu-riscv" : String.join(", ", names)) + ")");
    }
}
