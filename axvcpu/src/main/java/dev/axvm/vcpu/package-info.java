/** The architecture-neutral vCPU: its state machine, exit reasons and the contract each architecture implements. */
package dev.axvm.vcpu;
