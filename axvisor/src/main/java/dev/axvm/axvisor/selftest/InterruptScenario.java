package dev.axvm.axvisor.selftest;

import java.util.List;

/**
 * "interrupt": the guest programs the architecture's interrupt controller, asks the test device
 * to raise its level-triggered line, takes the interrupt in a handler that acknowledges the device
 * (lowering the line) and ends the interrupt, and returns from it. The line travels as a config
 * device's would ({@code AxVM.setIrqLine}): x86_64 through KVM's in-kernel IOAPIC and LAPIC
 * (interrupt_mode "emulated"), aarch64 through the in-kernel vGICv3, riscv64 through AxVM's
 * user-space PLIC to the hart's S-mode external interrupt.
 */
record InterruptScenario() implements Scenario {
    @Override
    public String name() {
        return "interrupt";
    }

    @Override
    public boolean needsInterruptController() {
        return true;
    }

    @Override
    public String verify(GuestRun run) throws ScenarioFailure {
        run.requireOrderlyPowerOff();
        ScenarioMachine m = run.machine();
        long taken = switch (m) {
            case X86_64 -> 0x41; // the vector the guest programmed into the redirection entry
            case AARCH64, RISCV64 -> m.irqLine(); // the INTID acknowledged, the PLIC source claimed
        };
        List<DeviceEvent.Kind> order = run.events().stream().map(DeviceEvent::kind)
                .filter(k -> k == DeviceEvent.Kind.RAISE || k == DeviceEvent.Kind.REPORT || k == DeviceEvent.Kind.ACK).toList();
        if (!order.equals(List.of(DeviceEvent.Kind.RAISE, DeviceEvent.Kind.REPORT, DeviceEvent.Kind.ACK))) {
            throw new ScenarioFailure("the test device saw " + order + ", expected RAISE, then the handler's REPORT, then ACK; "
                    + run.context());
        }
        run.requireReports(0, List.of(taken), switch (m) {
            case X86_64 -> "the vector the handler ran for";
            case AARCH64 -> "the INTID from ICC_IAR1_EL1";
            case RISCV64 -> "the source the PLIC claim returned";
        });
        run.requireConsole(switch (m) {
            case X86_64 -> "interrupt: vector 0x41 taken through the IOAPIC and LAPIC\n";
            case AARCH64 -> "interrupt: INTID 40 taken through the vGICv3\n";
            case RISCV64 -> "interrupt: PLIC source 7 taken as an S-mode external interrupt\n";
        });
        return "the test device raised its line on the guest's request and the guest took it in its handler, "
                + "acknowledged the device (line lowered), ended the interrupt and returned: " + switch (m) {
                    case X86_64 -> "GSI 20 through KVM's in-kernel IOAPIC (redirection entry programmed by the guest: "
                            + "vector 0x41, level) and LAPIC";
                    case AARCH64 -> "SPI INTID 40 through KVM's in-kernel vGICv3 (distributor, redistributor and CPU "
                            + "interface set up by the guest), acknowledged with ICC_IAR1_EL1, ended with ICC_EOIR1_EL1";
                    case RISCV64 -> "PLIC source 7 through AxVM's user-space PLIC at 0x0c000000 (no in-kernel AIA) to "
                            + "hart 0's S-mode external interrupt; claimed and completed";
                };
    }
}
