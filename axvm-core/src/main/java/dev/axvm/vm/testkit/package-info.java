/**
 * Test doubles for embedders and for AxVM's own tests: a mock HAL over arena memory with a
 * controllable clock and recorded interrupt deliveries, and a scripted architecture backend whose
 * vCPUs replay a list of exits — so that a host VMM can unit-test its exit handling without KVM.
 */
package dev.axvm.vm.testkit;
