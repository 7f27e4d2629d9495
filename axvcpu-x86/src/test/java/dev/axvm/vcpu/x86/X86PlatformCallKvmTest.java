package dev.axvm.vcpu.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import dev.axvm.vcpu.EntryMode;
import dev.axvm.vcpu.ExitReason;
import dev.axvm.vcpu.ExitReason.SystemDown.Reason;
import dev.axvm.vcpu.VCpuCreateConfig;
import dev.axvm.vcpu.VCpuSetupConfig;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AxVM's x86 platform calls: CPU_ON reaches the caller as CpuUp, and the started vCPU runs. */
class X86PlatformCallKvmTest {

    @BeforeAll
    static void requireKvm() {
        X86TestGuests.requireKvm();
    }

    @Test
    void cpuOnBecomesCpuUpAndTheSecondVcpuStartsWithItsArgument() {
        try (X86TestGuests g = new X86TestGuests("platform-calls", EntryMode.LONG)) {
            RecordingDevices d = new RecordingDevices();
            ExitReason up = g.vcpu.run(d);
            ExitReason.CpuUp cpuUp = (ExitReason.CpuUp) up;
            assertEquals(1, cpuUp.targetCpu());
            assertEquals(0xabc, cpuUp.arg());

            X86VCpu second = g.vm.createVcpu(new VCpuCreateConfig(1, 1, 1));
            second.setEntry(cpuUp.entryPoint());
            second.setNestedRoot(HostPhysAddr.of(0));
            second.setup(new VCpuSetupConfig(EntryMode.LONG, cpuUp.arg(), g.ram, 0x10000));
            second.bind();
            RecordingDevices d2 = new RecordingDevices();
            assertEquals(new ExitReason.CpuDown(0), second.run(d2));
            assertEquals("2", d2.console());
            assertEquals(List.of(0xabcL), d2.reports);
            second.unbind();
            g.vcpu.bind();

            g.vcpu.setReturnValue(0);
            assertEquals(new ExitReason.SystemDown(Reason.POWER_OFF), g.vcpu.run(d));
            assertEquals(List.of(0L), d.reports);
            assertEquals(GuestPhysAddr.of(X86TestGuests.LOAD_ADDRESS).value() < cpuUp.entryPoint().value(), true);
        }
    }
}
