/** The service interface an architecture backend implements, and how the VM core finds backends. */
package dev.axvm.vcpu.spi;
