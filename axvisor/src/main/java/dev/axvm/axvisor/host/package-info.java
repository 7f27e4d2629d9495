/** Linux host services for AxVM: the HAL the reference VMM uses, and embedders can copy or use as is. */
package dev.axvm.axvisor.host;
