package dev.axvm.device;

import dev.axvm.addrspace.AccessWidth;
import java.util.Objects;

/**
 * The result of the last access one vCPU made through {@link AxVmDevices}: the VM keeps one per
 * vCPU, next to that vCPU's {@link DeviceContext}, and passes it to every dispatch call, which
 * overwrites it. Nothing is allocated per access; the object is confined to its vCPU thread and
 * is not thread-safe.
 *
 * <p>After a call, {@link #status()} (also the call's return value) says what happened:
 * <ul>
 *   <li>{@link AccessStatus#COMPLETED}: {@link #value()} holds a read's value, already truncated
 *       to the width (for a write: the value written); {@link #device()} is the device;</li>
 *   <li>{@link AccessStatus#UNMAPPED}: no device owns {@link #address()}; {@link #device()} is null;</li>
 *   <li>{@link AccessStatus#FAILED}: {@link #device()} owns the address but {@link #failure()}
 *       says why the access failed; a read's {@link #value()} is 0.</li>
 * </ul>
 * {@link #kind()}, {@link #address()} and {@link #width()} repeat the access for the VM's log line.
 */
public final class AccessOutcome {
    private final DeviceContext context;
    private AccessStatus status = AccessStatus.UNMAPPED;
    private AccessKind kind = AccessKind.MMIO_READ;
    private long address;
    private AccessWidth width;
    private long value;
    private BaseDeviceOps<?> device;
    private RuntimeException failure;

    /** An outcome for the vCPU that {@code context} describes. */
    public AccessOutcome(DeviceContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** The context handed to devices with every access made through this outcome. */
    public DeviceContext context() {
        return context;
    }

    /** What happened to the last access. */
    public AccessStatus status() {
        return status;
    }

    /** The last access's kind. */
    public AccessKind kind() {
        return kind;
    }

    /** The last access's address (GPA, port or register address). */
    public long address() {
        return address;
    }

    /** The last access's width (null only when the caller passed null). */
    public AccessWidth width() {
        return width;
    }

    /** A completed read's value (truncated to the width); for a write, the value written; 0 for a read that did not complete. */
    public long value() {
        return value;
    }

    /** The device that owns the address; null when {@link AccessStatus#UNMAPPED}. */
    public BaseDeviceOps<?> device() {
        return device;
    }

    /** Why the access failed when {@link AccessStatus#FAILED}; null otherwise. */
    public RuntimeException failure() {
        return failure;
    }

    /** One line for a log: status, kind, address, width and device (allocates; not for the hot path). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(status).append(' ').append(kind).append(" at 0x").append(Long.toHexString(address));
        b.append(" width ").append(width == null ? "null" : width.size());
        if (!kind.isRead()) {
            b.append(" value 0x").append(Long.toHexString(value));
        }
        if (device != null) {
            b.append(" device '").append(device.name()).append("' ").append(device.addressRange());
        }
        if (failure != null) {
            b.append(": ").append(failure);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    void begin(AccessKind accessKind, long addr, AccessWidth accessWidth, long written) {
        kind = accessKind;
        address = addr;
        width = accessWidth;
        value = written;
        device = null;
        failure = null;
    }

    AccessStatus complete(BaseDeviceOps<?> owner, long result) {
        device = owner;
        value = result;
        return status = AccessStatus.COMPLETED;
    }

    AccessStatus unmapped() {
        if (kind.isRead()) {
            value = 0;
        }
        return status = AccessStatus.UNMAPPED;
    }

    AccessStatus failed(BaseDeviceOps<?> owner, RuntimeException why) {
        device = owner;
        failure = why;
        if (kind.isRead()) {
            value = 0;
        }
        return status = AccessStatus.FAILED;
    }
}
