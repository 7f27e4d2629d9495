/** JMH benchmarks of axaddrspace: nested page-table translate, map and unmap, and address-space lookups. */
package dev.axvm.bench.npt;
