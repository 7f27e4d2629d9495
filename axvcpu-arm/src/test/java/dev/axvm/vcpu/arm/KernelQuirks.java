package dev.axvm.vcpu.arm;

/** What the tests know about the host kernel's KVM beyond the architecture, from measurements. */
final class KernelQuirks {
    private KernelQuirks() {}

    /** The running kernel's release, e.g. {@code 6.1.0-50-arm64}. */
    static String release() {
        return System.getProperty("os.version", "");
    }

    private static int[] version() {
        String[] v = release().split("[.+-]");
        try {
            return new int[] {Integer.parseInt(v[0]), Integer.parseInt(v[1])};
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the kernel release '" + release() + "'", e);
        }
    }

    private static boolean atLeast(int major, int minor) {
        int[] v = version();
        return v[0] > major || v[0] == major && v[1] >= minor;
    }

    /**
     * Whether KVM hands a sign-extending MMIO load (LDRSB/LDRSH/LDRSW) its datum zero-extended:
     * measured on Debian's 6.1 and 6.12 kernels, where kvm_handle_mmio_return() sign-extends and
     * then masks the value back to the access width (vcpu_data_host_to_guest). Not known for later
     * kernels.
     */
    static boolean mmioLoadsLoseSignExtension() {
        return !atLeast(6, 13);
    }

    /** Whether the kernel has KVM_ARM_VM_SMCCC_FILTER (Linux 6.4). */
    static boolean hasSmcccFilter() {
        return atLeast(6, 4);
    }
}
