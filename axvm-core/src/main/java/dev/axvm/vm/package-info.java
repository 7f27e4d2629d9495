/** The VM: built from a config, its memory, devices and vCPUs, lifecycle and exit handling. */
package dev.axvm.vm;
