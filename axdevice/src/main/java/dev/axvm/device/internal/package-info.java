/** Implementation of the device module: the sorted range table behind dispatch, byte FIFOs. Not exported. */
package dev.axvm.device.internal;
