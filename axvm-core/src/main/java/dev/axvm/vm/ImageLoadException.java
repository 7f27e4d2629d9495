package dev.axvm.vm;

/**
 * A guest image cannot be loaded: missing, malformed, or not fitting in guest RAM. The message
 * names the image (file or in-memory name), the offending offset or size, and the region.
 */
public class ImageLoadException extends VmBuildException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with which image. */
    public ImageLoadException(String message) {
        super(message);
    }

    /** The same, with the I/O failure underneath. */
    public ImageLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
