package dev.axvm.config;

/**
 * An entry of {@code [devices] passthrough_addresses}: {@code [base_gpa, length]}, a host physical range
 * given to the guest at the same address. A user-space KVM host cannot do this (see {@link PassthroughDeviceConfig}).
 *
 * @param baseGpa the first address (unsigned)
 * @param length the length in bytes
 */
public record PassthroughAddressConfig(long baseGpa, long length) {}
