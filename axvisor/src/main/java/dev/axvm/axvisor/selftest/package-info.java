/**
 * The scenario suite behind {@code axvisor selftest}: one list of scenarios shared by x86_64,
 * aarch64 and riscv64, each a tiny guest assembled from {@code native/guests/<arch>/scenario-*.S}
 * and run end to end through {@link dev.axvm.vm.AxVM} on the host's KVM — config built in code,
 * one {@link dev.axvm.vm.VcpuRunner} thread per vCPU, then the stop cause, the console and what
 * the guest reported to a test device checked. {@link dev.axvm.axvisor.selftest.ScenarioSuite} is
 * the entry point; the package is not exported (the command line is its interface).
 */
package dev.axvm.axvisor.selftest;
