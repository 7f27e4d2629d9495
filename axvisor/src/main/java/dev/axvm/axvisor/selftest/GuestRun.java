package dev.axvm.axvisor.selftest;

import dev.axvm.vm.StopCause;
import dev.axvm.vm.VmStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What happened when a scenario guest ran, as its checks see it.
 *
 * @param machine the architecture's machine
 * @param kernel the host kernel
 * @param limit how long the VM was given to stop by itself
 * @param stoppedInTime whether it stopped within the limit (otherwise the host stopped it)
 * @param stopCause why the VM stopped
 * @param status the VM's status after its vCPU threads were joined
 * @param console what the guest printed on the console UART
 * @param events what the guest did to the test device, in order
 * @param droppedEvents test-device events that did not fit in its log
 * @param hypercalls the hypercalls the VM's handler served, in order
 * @param secondariesRunFromBoot whether AxVM ran the secondary vCPUs from boot (the hypervisor starts them itself)
 *     rather than on a CpuUp exit; false for a one-vCPU VM
 * @param threadsStillRunning names of vCPU threads that had not ended a few seconds after the stop
 * @param threadFailures uncaught exceptions that ended vCPU threads, one line each
 * @param unhandledAccesses guest accesses no device served
 * @param leakedFrames host frames still allocated after the VM was closed
 * @param deviceAccesses every access to the test device, logged or not
 * @param hypercallCount every hypercall served, kept or not
 * @param failureBeyondTheLog the first failure the guest reported after the device's log was full, or null
 * @param scratch the test device's scratch registers at the end
 * @param generation the boots the VM went through, less one (0 when it never rebooted)
 */
record GuestRun(ScenarioMachine machine, HostKernel kernel, Duration limit, boolean stoppedInTime, StopCause stopCause,
        VmStatus status, String console, List<DeviceEvent> events, long droppedEvents,
        List<ScenarioHypercalls.Call> hypercalls, boolean secondariesRunFromBoot, List<String> threadsStillRunning,
        List<String> threadFailures, long unhandledAccesses, int leakedFrames, long deviceAccesses, long hypercallCount,
        DeviceEvent failureBeyondTheLog, byte[] scratch, int generation) {

    GuestRun {
        Objects.requireNonNull(stopCause, "stopCause");
        events = List.copyOf(events);
        hypercalls = List.copyOf(hypercalls);
        threadsStillRunning = List.copyOf(threadsStillRunning);
        threadFailures = List.copyOf(threadFailures);
    }

    /** The events of one kind, in order. */
    List<DeviceEvent> events(DeviceEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    /** The values vCPU {@code vcpu} reported, in order. */
    List<Long> reports(int vcpu) {
        return events.stream().filter(e -> e.kind() == DeviceEvent.Kind.REPORT && e.vcpu() == vcpu)
                .map(DeviceEvent::value).toList();
    }

    /**
     * The checks every scenario shares: the guest stopped by itself in time with an orderly
     * power-off (stop cause POWER_OFF, exit status 0), found nothing wrong itself, touched no
     * address that nobody serves, every vCPU thread ended, and closing the VM returned every frame.
     */
    void requireOrderlyPowerOff() throws ScenarioFailure {
        requireOrderlyPowerOff(false);
    }

    /** The little-endian 64-bit word at {@code offset} of the scratch registers. */
    long scratchWord(int offset) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (scratch[offset + i] & 0xff);
        }
        return v;
    }

    /**
     * {@link #requireOrderlyPowerOff()}, for a guest that may access the test device more often
     * than its log holds when {@code manyAccesses} (then a failure past the log still counts).
     */
    void requireOrderlyPowerOff(boolean manyAccesses) throws ScenarioFailure {
        if (!stoppedInTime) {
            throw new ScenarioFailure("the VM did not stop by itself within " + limit.toSeconds() + " s (the host stopped it); "
                    + context());
        }
        if (!threadFailures.isEmpty()) {
            throw new ScenarioFailure("a vCPU thread failed: " + String.join("; ", threadFailures));
        }
        List<DeviceEvent> failures = new java.util.ArrayList<>(events(DeviceEvent.Kind.FAIL));
        if (failureBeyondTheLog != null) {
            failures.add(failureBeyondTheLog);
        }
        if (!failures.isEmpty()) {
            DeviceEvent first = failures.getFirst();
            String registers = "";
            if (first.value() == GuestFailure.EXCEPTION.code() && !machine.exceptionRegisters().isEmpty()) {
                List<Long> after = events.subList(events.indexOf(first), events.size()).stream()
                        .filter(e -> e.kind() == DeviceEvent.Kind.REPORT && e.vcpu() == first.vcpu())
                        .map(DeviceEvent::value).toList();
                registers = " (" + machine.exceptionRegisters() + ": " + hex(after) + ")";
            }
            throw new ScenarioFailure("the guest's vCPU " + first.vcpu() + " reported: " + GuestFailure.describe(first.value())
                    + registers + "; " + context());
        }
        if (stopCause.kind() != StopCause.Kind.POWER_OFF || stopCause.exitCode() != 0) {
            throw new ScenarioFailure("stop cause " + stopCause.kind() + " (exit status " + stopCause.exitCode() + ": "
                    + stopCause.detail() + "), expected POWER_OFF with status 0; " + context());
        }
        if (status != VmStatus.STOPPED) {
            throw new ScenarioFailure("the VM is " + status + " after its threads ended, expected STOPPED");
        }
        List<DeviceEvent> strays = events(DeviceEvent.Kind.STRAY);
        if (!strays.isEmpty()) {
            throw new ScenarioFailure("the guest accessed the test device outside its registers: " + strays);
        }
        if (droppedEvents > 0 && !manyAccesses) {
            throw new ScenarioFailure("the guest accessed the test device " + droppedEvents + " times more than its log holds");
        }
        if (unhandledAccesses > 0) {
            throw new ScenarioFailure(unhandledAccesses + " guest accesses reached no device");
        }
        if (!threadsStillRunning.isEmpty()) {
            throw new ScenarioFailure("vCPU threads still running after the stop: " + threadsStillRunning);
        }
        if (leakedFrames != 0) {
            throw new ScenarioFailure(leakedFrames + " host frames still allocated after the VM was closed");
        }
    }

    /** Fails unless the console shows exactly {@code expected}. */
    void requireConsole(String expected) throws ScenarioFailure {
        if (!console.equals(expected)) {
            throw new ScenarioFailure("console " + quote(console) + ", expected " + quote(expected));
        }
    }

    /** Fails unless vCPU {@code vcpu} reported exactly {@code expected}; {@code what} names the values. */
    void requireReports(int vcpu, List<Long> expected, String what) throws ScenarioFailure {
        List<Long> got = reports(vcpu);
        if (!got.equals(expected)) {
            throw new ScenarioFailure("vCPU " + vcpu + " reported " + hex(got) + " (" + what + "), expected " + hex(expected));
        }
    }

    /** The console so far and the last device events: what a failure message needs to be understood. */
    String context() {
        List<DeviceEvent> tail = events.size() > 8 ? events.subList(events.size() - 8, events.size()) : events;
        return "console " + quote(console) + ", last device events " + tail;
    }

    /** {@code text} in double quotes, with line breaks and other control characters escaped: one line. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Values in hex, as a list. */
    static String hex(List<Long> values) {
        return values.stream().map(v -> "0x" + Long.toHexString(v)).toList().toString();
    }
}
