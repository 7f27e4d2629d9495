package dev.axvm.vcpu.riscv;

/** What the tests know about the host kernel's KVM beyond the architecture, from measurements. */
final class KernelQuirks {
    private KernelQuirks() {}

    /** The running kernel's release, e.g. {@code 6.12.107+deb13-riscv64}. */
    static String release() {
        return System.getProperty("os.version", "");
    }

    /**
     * Whether KVM hands a sign-extending MMIO load (LB/LH/LW) its datum zero-extended: measured on
     * Debian 13's 6.12 kernel, where kvm_riscv_vcpu_mmio_return() extends with a logical shift of
     * an unsigned long ({@code (ulong)data << shift >> shift}). Not known for later kernels.
     */
    static boolean mmioLoadsLoseSignExtension() {
        String[] v = release().split("[.+-]");
        try {
            int major = Integer.parseInt(v[0]);
            int minor = Integer.parseInt(v[1]);
            return major < 6 || major == 6 && minor <= 12;
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the kernel release '" + release() + "'", e);
        }
    }
}
