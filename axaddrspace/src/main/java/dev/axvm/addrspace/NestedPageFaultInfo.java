package dev.axvm.addrspace;

/**
 * A guest access that the nested page table did not allow.
 *
 * @param address the faulting guest-physical address
 * @param accessFlags what the guest tried: READ, WRITE and/or EXECUTE
 */
public record NestedPageFaultInfo(GuestPhysAddr address, MappingFlags accessFlags) {}
