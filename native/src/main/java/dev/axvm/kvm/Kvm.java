package dev.axvm.kvm;

import dev.axvm.kvm.internal.Errno;
import dev.axvm.kvm.internal.NativeLibrary;
import dev.axvm.kvm.internal.Shim;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The KVM system device ({@code /dev/kvm}): the API handshake, capability checks, and VM
 * creation. Closing it does not affect VMs already created from it.
 */
public final class Kvm implements AutoCloseable {
    /** The device path on every Linux host. */
    public static final Path DEFAULT_DEVICE = Path.of("/dev/kvm");
    /** The only stable KVM API version there has ever been. */
    public static final int EXPECTED_API_VERSION = 12;

    private final int fd;
    private final Path device;
    private final int apiVersion;
    private final int vcpuMmapSize;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Kvm(int fd, Path device, int apiVersion, int vcpuMmapSize) {
        this.fd = fd;
        this.device = device;
        this.apiVersion = apiVersion;
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /** Opens {@link #DEFAULT_DEVICE}. */
    public static Kvm open() {
        return open(DEFAULT_DEVICE);
    }

    /**
     * Opens the KVM device at {@code device} and checks its API version.
     *
     * @throws HypervisorUnavailableException when the device is missing, not accessible, not KVM,
     *     speaks another API version, or the shim cannot be loaded on this platform
     */
    public static Kvm open(Path device) {
        int fd;
        try {
            fd = Shim.open(device.toString());
        } catch (NativeLibrary.LoadFailure e) {
            throw new HypervisorUnavailableException(e.getMessage(), e);
        }
        if (fd < 0) {
            throw new HypervisorUnavailableException(device + ": cannot open: " + Errno.describe(-fd) + hint(-fd), null);
        }
        int version = Shim.apiVersion(fd);
        if (version != EXPECTED_API_VERSION) {
            Shim.close(fd);
            String why = version < 0 ? "KVM_GET_API_VERSION failed: " + Errno.describe(-version) + " (not a KVM device?)"
                    : "KVM API version " + version + ", expected " + EXPECTED_API_VERSION;
            throw new HypervisorUnavailableException(device + ": " + why, null);
        }
        int mmapSize = Shim.vcpuMmapSize(fd);
        if (mmapSize <= 0) {
            Shim.close(fd);
            throw new HypervisorUnavailableException(device + ": KVM_GET_VCPU_MMAP_SIZE failed: "
                    + (mmapSize < 0 ? Errno.describe(-mmapSize) : "size 0"), null);
        }
        return new Kvm(fd, device, version, mmapSize);
    }

    /**
     * Opens {@link #DEFAULT_DEVICE} and checks that KVM has every capability in {@code required}.
     *
     * @throws HypervisorUnavailableException naming the missing capabilities, or why the device cannot be used
     */
    public static Kvm openRequiring(java.util.Collection<KvmCapability> required) {
        Kvm kvm = open();
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (KvmCapability cap : required) {
            if (!kvm.has(cap)) {
                missing.add(cap.name());
            }
        }
        if (!missing.isEmpty()) {
            kvm.close();
            throw new HypervisorUnavailableException(kvm.device + ": KVM lacks " + String.join(", ", missing), null);
        }
        return kvm;
    }

    private static String hint(int errno) {
        return switch (errno) {
            case Errno.ENOENT -> "; is the kvm module loaded (kvm_intel, kvm_amd) and virtualization enabled?";
            case Errno.EACCES -> "; add the user to the 'kvm' group or run with access to the device";
            default -> "";
        };
    }

    /** The device this handle was opened from. */
    public Path device() {
        return device;
    }

    /** KVM_GET_API_VERSION (always 12 for a usable device). */
    public int apiVersion() {
        return apiVersion;
    }

    /** KVM_GET_VCPU_MMAP_SIZE: bytes of each vCPU's shared run area. */
    public int vcpuMmapSize() {
        return vcpuMmapSize;
    }

    /** KVM_CHECK_EXTENSION on the system device: 0 when absent, else a capability-specific value. */
    public int checkExtension(KvmCapability cap) {
        return Shim.check(Shim.checkCap(fd(), cap.shimId()), "KVM_CHECK_EXTENSION(" + cap + ")");
    }

    /** Whether {@code cap} is present at all. */
    public boolean has(KvmCapability cap) {
        return checkExtension(cap) > 0;
    }

    /** KVM_CREATE_VM with the default machine type. */
    public KvmVm createVm() {
        return createVm(0);
    }

    /** KVM_CREATE_VM with an architecture-specific machine type (e.g. the IPA size on aarch64). */
    public KvmVm createVm(long machineType) {
        int vm = Shim.check(Shim.createVm(fd(), machineType), "KVM_CREATE_VM");
        return new KvmVm(vm, vcpuMmapSize);
    }

    /**
     * The device's file descriptor, for architecture bindings that issue their own system ioctls
     * through the shim (x86's KVM_GET_SUPPORTED_CPUID). The handle keeps ownership: never close it.
     */
    public int fd() {
        if (closed.get()) {
            throw new IllegalStateException("the KVM device handle is closed");
        }
        return fd;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Shim.close(fd);
        }
    }
}
