package dev.axvm.vm.fdt;

/** A blob that is not a well-formed flattened device tree; the message names the offset and what is wrong. */
public final class FdtFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FdtFormatException(String message) {
        super(message);
    }
}
