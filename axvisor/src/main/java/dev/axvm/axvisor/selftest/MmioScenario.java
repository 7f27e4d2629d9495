package dev.axvm.axvisor.selftest;

import dev.axvm.addrspace.AccessWidth;
import java.util.ArrayList;
import java.util.List;

/**
 * "mmio": stores of 1, 2, 4 and 8 bytes to the test device, then loads of every width,
 * zero-extending and sign-extending, each loaded register reported whole. Checks that every access
 * reached the device with its width, offset and value, in order, and what the registers held.
 *
 * <p>Sign-extending loads: x86's KVM emulates MOVSX exactly. On aarch64 and riscv64 KVM completes
 * the load itself, and Linux up to 6.12 hands LDRSB/LDRSH/LDRSW and LB/LH/LW their datum
 * zero-extended (measured; axvcpu-arm and axvcpu-riscv READMEs); a VMM cannot repair that. The
 * scenario asserts what the host kernel is known to do ({@link HostKernel#mmioLoadsLoseSignExtension})
 * and says so in its detail.
 */
record MmioScenario() implements Scenario {
    private static final long B = 0xa5L;
    private static final long H = 0xbeefL;
    private static final long W = 0xdead_beefL;
    private static final long D = 0x0123_4567_89ab_cdefL;
    private static final long SB = 0x80L;
    private static final long SH = 0x8001L;
    private static final long SW = 0x8000_0001L;

    @Override
    public String name() {
        return "mmio";
    }

    @Override
    public void prepare(ScenarioDevice device, ScenarioMachine machine) {
        device.preset(0x10, AccessWidth.BYTE, B);
        device.preset(0x12, AccessWidth.WORD, H);
        device.preset(0x14, AccessWidth.DWORD, W);
        device.preset(0x18, AccessWidth.QWORD, D);
        device.preset(0x20, AccessWidth.BYTE, SB);
        device.preset(0x22, AccessWidth.WORD, SH);
        device.preset(0x24, AccessWidth.DWORD, SW);
    }

    /** Loads into a 32-bit register as well: x86 (MOVSX r32) and aarch64 (LDRSB/LDRSH w); RISC-V has none. */
    private static boolean has32BitSignedLoads(ScenarioMachine machine) {
        return machine != ScenarioMachine.RISCV64;
    }

    private static DeviceEvent write(long offset, AccessWidth width, long value) {
        return new DeviceEvent(DeviceEvent.Kind.DATA_WRITE, 0, offset, width, value);
    }

    private static DeviceEvent read(long offset, AccessWidth width, long value) {
        return new DeviceEvent(DeviceEvent.Kind.DATA_READ, 0, offset, width, value);
    }

    @Override
    public String verify(GuestRun run) throws ScenarioFailure {
        run.requireOrderlyPowerOff();
        ScenarioMachine m = run.machine();
        boolean narrow = has32BitSignedLoads(m);
        int loads = narrow ? 9 : 7;
        run.requireConsole("mmio: 4 stores and " + loads + " loads done\n");

        List<DeviceEvent> expected = new ArrayList<>(List.of(
                write(0x0, AccessWidth.BYTE, 0x11), write(0x2, AccessWidth.WORD, 0x2222),
                write(0x4, AccessWidth.DWORD, 0x3333_3333L), write(0x8, AccessWidth.QWORD, 0x4444_4444_5555_5555L),
                read(0x10, AccessWidth.BYTE, B), read(0x12, AccessWidth.WORD, H), read(0x14, AccessWidth.DWORD, W),
                read(0x18, AccessWidth.QWORD, D), read(0x20, AccessWidth.BYTE, SB), read(0x22, AccessWidth.WORD, SH),
                read(0x24, AccessWidth.DWORD, SW)));
        if (narrow) {
            expected.add(read(0x20, AccessWidth.BYTE, SB));
            expected.add(read(0x22, AccessWidth.WORD, SH));
        }
        List<DeviceEvent> data = run.events().stream().filter(e -> e.kind() == DeviceEvent.Kind.DATA_READ
                || e.kind() == DeviceEvent.Kind.DATA_WRITE).toList();
        if (!data.equals(expected)) {
            throw new ScenarioFailure("the test device saw " + data + ", expected " + expected);
        }

        boolean kernelZeroExtends = m != ScenarioMachine.X86_64 && run.kernel().mmioLoadsLoseSignExtension();
        List<Long> registers = new ArrayList<>(List.of(B, H, W, D));
        if (kernelZeroExtends) {
            registers.addAll(List.of(SB, SH, SW));
            if (narrow) {
                registers.addAll(List.of(SB, SH));
            }
        } else {
            registers.addAll(List.of(AccessWidth.BYTE.signExtend(SB), AccessWidth.WORD.signExtend(SH),
                    AccessWidth.DWORD.signExtend(SW)));
            if (narrow) {
                // A 32-bit destination: sign-extended to 32 bits, the upper half cleared.
                registers.addAll(List.of(AccessWidth.BYTE.signExtend(SB) & 0xffff_ffffL,
                        AccessWidth.WORD.signExtend(SH) & 0xffff_ffffL));
            }
        }
        String loaded = switch (m) {
            case X86_64 -> "MOVSX into 64- and 32-bit registers";
            case AARCH64 -> "LDRSB/LDRSH/LDRSW into x, LDRSB/LDRSH into w";
            case RISCV64 -> "LB/LH/LW";
        };
        String readme = m == ScenarioMachine.AARCH64 ? "axvcpu-arm/README.md" : "axvcpu-riscv/README.md";
        try {
            run.requireReports(0, registers, "loaded registers, zero-extending loads first");
        } catch (ScenarioFailure e) {
            throw new ScenarioFailure(e.getMessage() + (kernelZeroExtends
                    ? "; expected the zero-extended data that KVM on Linux up to 6.12 gives (" + readme + ")"
                    : m != ScenarioMachine.X86_64 ? "; expected architectural sign extension on " + run.kernel()
                    + ", which is newer than the 6.12 measured to zero-extend (" + readme + "): has it changed?" : ""));
        }
        String signed = m == ScenarioMachine.X86_64
                ? "sign-extending loads (" + loaded + ") sign-extend, as KVM's x86 emulator does"
                : kernelZeroExtends
                ? "sign-extending loads (" + loaded + ") come back zero-extended, as KVM on " + run.kernel()
                        + " does (measured up to 6.12, " + readme + ") and a VMM cannot repair"
                : "sign-extending loads (" + loaded + ") sign-extend on " + run.kernel();
        return "stores of 1/2/4/8 B and " + loads + " loads reached the test device at 0x"
                + Long.toHexString(m.deviceBase()) + " in order with their widths and values; zero-extending loads "
                + "zero-extend; " + signed;
    }
}
