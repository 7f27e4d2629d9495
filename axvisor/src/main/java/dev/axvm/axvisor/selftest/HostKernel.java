package dev.axvm.axvisor.selftest;

/**
 * The host's Linux release, and what its KVM is known to do beyond the architecture — measured on
 * Debian's 6.1 (aarch64) and 6.12 (riscv64) kernels and documented in the backends' READMEs
 * (axvcpu-arm, axvcpu-riscv). The scenarios assert the measured behaviour so that a kernel that
 * changes it is noticed.
 *
 * @param release the release string, e.g. {@code 6.1.0-41-arm64}
 * @param major its major version
 * @param minor its minor version
 */
public record HostKernel(String release, int major, int minor) {

    /** The running kernel (the JVM's {@code os.version}). */
    public static HostKernel running() {
        return parse(System.getProperty("os.version", ""));
    }

    /**
     * Reads {@code major.minor} from the front of {@code release}.
     *
     * @throws IllegalArgumentException when the release does not start that way
     */
    public static HostKernel parse(String release) {
        String[] parts = release.split("[.+-]", 3);
        try {
            return new HostKernel(release, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("kernel release '" + release + "' does not start with <major>.<minor>", e);
        }
    }

    /** Whether this release is {@code major.minor} or later. */
    public boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || major == wantMajor && minor >= wantMinor;
    }

    /**
     * Whether KVM hands sign-extending MMIO loads (Arm LDRSB/LDRSH/LDRSW, RISC-V LB/LH/LW) their
     * datum zero-extended: measured on 6.1 (arm64) and 6.12 (both), where the kernel masks the
     * extended value back to the access width. Assumed fixed from 6.13 on, where the scenario
     * then expects architectural sign extension (and fails, pointing here, if it is not).
     */
    public boolean mmioLoadsLoseSignExtension() {
        return !atLeast(6, 13);
    }

    /** Whether arm64 KVM has the SMCCC filter (Linux 6.4) that forwards HVC hypercalls and PSCI CPU_ON/CPU_OFF. */
    public boolean armForwardsHvcAndCpuOn() {
        return atLeast(6, 4);
    }

    @Override
    public String toString() {
        return "Linux " + release;
    }
}
