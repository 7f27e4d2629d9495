package dev.axvm.vm.internal.boot;

import dev.axvm.vm.acpi.AcpiTables;

/**
 * The code at an x86 Linux guest's reset vector, where a PC's firmware would be: it writes the
 * FADT's reset value to the reset register, so that a guest that restarts "through the BIOS" resets
 * the VM. Linux does that whenever the ACPI tables are hardware-reduced and no {@code reboot=} is
 * given (it picks EFI, finds none and falls back to a real-mode jump to F000:FFF0); without this
 * its {@code reboot} ran into zeroed memory. With no device on the reset register (built-in devices
 * off) the write goes nowhere and the vCPU halts there.
 */
public final class ResetVectorStub {
    private ResetVectorStub() {}

    /** The 16-bit code: {@code mov al, value; mov dx, port; out dx, al; hlt; jmp hlt}. */
    public static byte[] bytes() {
        int port = AcpiTables.RESET_PORT;
        return new byte[] {
            (byte) 0xb0, (byte) AcpiTables.RESET_VALUE,
            (byte) 0xba, (byte) port, (byte) (port >>> 8),
            (byte) 0xee,
            (byte) 0xf4,
            (byte) 0xeb, (byte) 0xfd,
        };
    }
}
