/** Guest address spaces: address types, mapping flags, nested page tables and bounds-checked guest memory. */
package dev.axvm.addrspace;
