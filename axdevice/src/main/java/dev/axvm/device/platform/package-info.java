/**
 * Small platform devices: a dummy that reads zero, the power-off port (0x604 write of 0x2000) and
 * the debug-exit port whose written value becomes the VM's exit code.
 */
package dev.axvm.device.platform;
