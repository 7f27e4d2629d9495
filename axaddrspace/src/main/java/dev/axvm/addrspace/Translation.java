package dev.axvm.addrspace;

/**
 * A translated guest-physical address and how far its area reaches, as AxVisor's
 * {@code translate_and_get_limit}.
 *
 * @param hpa the host-physical address
 * @param limit bytes from the translated address to the end of its area; the host memory is
 *     contiguous over all of them for a linear area, over the rest of the 4 KiB page for an
 *     allocated one
 */
public record Translation(HostPhysAddr hpa, long limit) {}
