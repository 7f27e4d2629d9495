/** Emulated devices: the device contract, O(log n) dispatch, interrupt lines and UARTs. */
package dev.axvm.device;
