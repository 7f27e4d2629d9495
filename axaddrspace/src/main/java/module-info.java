/** Guest address spaces: address types, mapping flags, nested page tables and bounds-checked guest memory. */
module dev.axvm.addrspace {
    requires org.slf4j;

    exports dev.axvm.addrspace;
    exports dev.axvm.addrspace.npt;
}
