package dev.axvm.axvisor.selftest;

import dev.axvm.config.GuestArch;
import java.util.Optional;

/**
 * The machine a scenario guest runs on, per architecture: where RAM and the image go, where the
 * test device sits and which interrupt line it drives, and how the architecture prints, powers
 * off, calls the hypervisor and starts a second vCPU. The values match
 * {@code native/guests/<arch>/scenario.h}.
 */
public enum ScenarioMachine {
    /** x86_64: 64-bit long mode at 0x8000, COM1, port 0x604, AxVM's ports 0xe5 and 0xe6, the IOAPIC. */
    X86_64(GuestArch.X86_64, 0, 0x8000, 0xd000_0000L, 20, 0, 1,
            "COM1 (the built-in 16550 at port 0x3f8)", "port 0x604 = 0x2000", "APIC id", ""),
    /** aarch64: EL1 at 0x4008_0000, the PL011, PSCI, AxVM's doorbell (and HVC where forwarded), the vGICv3. */
    AARCH64(GuestArch.AARCH64, 0x4000_0000L, 0x4008_0000L, 0x0c00_0000L, 40, 0x8000_0000L, 0x8000_0001L,
            "the PL011 (built in at 0x09000000)", "PSCI SYSTEM_OFF", "MPIDR", "ESR_EL1, ELR_EL1"),
    /** riscv64: S-mode at 0x8020_0000, the 16550, SBI SRST and HSM, AxVM's EID 0x08485643, the user-space PLIC. */
    RISCV64(GuestArch.RISCV64, 0x8000_0000L, 0x8020_0000L, 0x4000_0000L, 7, 0, 1,
            "the 16550 (built in at 0x10000000)", "SBI SRST shutdown", "hart id", "scause, sepc, stval");

    /** Guest RAM per scenario VM. */
    public static final long RAM_SIZE = 16L << 20;

    private final GuestArch arch;
    private final long ramBase;
    private final long loadAddress;
    private final long deviceBase;
    private final int irqLine;
    private final long bootCpuId;
    private final long secondCpuId;
    private final String console;
    private final String powerOff;
    private final String cpuIdName;
    private final String exceptionRegisters;

    ScenarioMachine(GuestArch arch, long ramBase, long loadAddress, long deviceBase, int irqLine, long bootCpuId,
            long secondCpuId, String console, String powerOff, String cpuIdName, String exceptionRegisters) {
        this.arch = arch;
        this.ramBase = ramBase;
        this.loadAddress = loadAddress;
        this.deviceBase = deviceBase;
        this.irqLine = irqLine;
        this.bootCpuId = bootCpuId;
        this.secondCpuId = secondCpuId;
        this.console = console;
        this.powerOff = powerOff;
        this.cpuIdName = cpuIdName;
        this.exceptionRegisters = exceptionRegisters;
    }

    /** The machine for {@code arch}. */
    public static ScenarioMachine of(GuestArch arch) {
        return switch (arch) {
            case X86_64 -> X86_64;
            case AARCH64 -> AARCH64;
            case RISCV64 -> RISCV64;
        };
    }

    /** The machine of the architecture this JVM runs on, if it is one of the three. */
    public static Optional<ScenarioMachine> host() {
        return GuestArch.host().map(ScenarioMachine::of);
    }

    /** The guest architecture. */
    public GuestArch arch() {
        return arch;
    }

    /** The architecture's name as configs and the harness spell it: x86_64, aarch64, riscv64. */
    public String archName() {
        return arch.tomlName();
    }

    /** Where guest RAM starts. */
    public long ramBase() {
        return ramBase;
    }

    /** Where the guest image is loaded and the boot vCPU starts (the guests' link address). */
    public long loadAddress() {
        return loadAddress;
    }

    /** The test device's base address. */
    public long deviceBase() {
        return deviceBase;
    }

    /** The test device's interrupt line, numbered as a config's irq_id: IOAPIC GSI, GIC INTID, PLIC source. */
    public int irqLine() {
        return irqLine;
    }

    /** The architectural id the boot vCPU sees for itself (APIC id, MPIDR, hart id). */
    public long bootCpuId() {
        return bootCpuId;
    }

    /** The architectural id of the second vCPU, which the guest names when it starts it. */
    public long secondCpuId() {
        return secondCpuId;
    }

    /** The built-in console UART, for messages. */
    public String console() {
        return console;
    }

    /** How the guest powers off, for messages. */
    public String powerOff() {
        return powerOff;
    }

    /** What the architecture calls a vCPU's id, for messages. */
    public String cpuIdName() {
        return cpuIdName;
    }

    /** What the guests call a vCPU in their console lines ("hart" on RISC-V). */
    public String cpuWord() {
        return this == RISCV64 ? "hart" : "vCPU";
    }

    /** What a guest reports after FAIL_EXCEPTION, in order; empty when nothing (x86: the handler cannot tell which vector). */
    public String exceptionRegisters() {
        return exceptionRegisters;
    }

    /** The name of the guest image of {@code scenario}, as the native guests jar holds it. */
    public String imageResource(String scenario) {
        return "guests/" + archName() + "/scenario-" + scenario + ".bin";
    }
}
