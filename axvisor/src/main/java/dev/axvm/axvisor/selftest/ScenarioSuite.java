package dev.axvm.axvisor.selftest;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.kvm.KvmAvailability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The scenario suite: the same list on every architecture, run in order on the host's KVM, one
 * VM per scenario. A scenario that cannot run (no KVM, no guest image, a VM that cannot be built)
 * fails with the reason; none is skipped.
 *
 * <ol>
 *   <li>{@code console} — a line on the built-in console UART, then power-off;
 *   <li>{@code mmio} — MMIO stores and loads of 1, 2, 4 and 8 bytes, zero- and sign-extending;
 *   <li>{@code hypercall} — six arguments and an answer the guest checks;
 *   <li>{@code smp} — a second vCPU started by the guest, which prints too;
 *   <li>{@code interrupt} — a device line raised, taken in the guest's handler, acknowledged;
 *   <li>{@code power-off} — power-off while another vCPU spins in the guest;
 *   <li>{@code chaos} — over 100,000 exits of random kinds from two vCPUs, reboots asked for by
 *       both vCPUs at once, then a power-off from both.
 * </ol>
 *
 * Every scenario also checks the orderly end all of them share: stop cause POWER_OFF, all vCPU
 * threads ended, nothing leaked ({@link GuestRun#requireOrderlyPowerOff}).
 */
public final class ScenarioSuite {
    private static final List<Scenario> SCENARIOS = List.of(new ConsoleScenario(), new MmioScenario(),
            new HypercallScenario(), new SmpScenario(), new InterruptScenario(), new PowerOffScenario(), new ChaosScenario());
    /** Host memory each scenario's HAL may hand out: RAM and page tables of one small VM. */
    private static final long HAL_RESERVATION = 64L << 20;

    private final ScenarioMachine machine;
    private final Duration limit;
    private final ScenarioGuests guests;

    /**
     * A suite for {@code machine} whose VMs each get {@code limit} to stop by themselves, with the
     * guests from the application's class loader.
     */
    public ScenarioSuite(ScenarioMachine machine, Duration limit) {
        this(machine, limit, ScenarioGuests.ofApplication());
    }

    ScenarioSuite(ScenarioMachine machine, Duration limit, ScenarioGuests guests) {
        this.machine = Objects.requireNonNull(machine, "machine");
        this.limit = Objects.requireNonNull(limit, "limit");
        this.guests = Objects.requireNonNull(guests, "guests");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a scenario's time limit must be positive, got " + limit);
        }
    }

    /** The scenarios' names, in the order they run. */
    public static List<String> names() {
        return SCENARIOS.stream().map(Scenario::name).toList();
    }

    /**
     * Runs the scenarios named in {@code only} (all of them when empty), in the suite's order,
     * handing each result to {@code each} as soon as it is known.
     *
     * @throws IllegalArgumentException naming an unknown scenario, before anything runs
     * @throws InterruptedException when the calling thread is interrupted while a guest runs
     */
    public List<ScenarioResult> run(List<String> only, Consumer<ScenarioResult> each) throws InterruptedException {
        for (String name : only) {
            if (!names().contains(name)) {
                throw new IllegalArgumentException("unknown scenario '" + name + "' (scenarios: " + String.join(", ", names()) + ")");
            }
        }
        KvmAvailability kvm = KvmAvailability.probe();
        HostKernel kernel = HostKernel.running();
        List<ScenarioResult> results = new ArrayList<>();
        int id = 0;
        for (Scenario s : SCENARIOS) {
            id++;
            if (!only.isEmpty() && !only.contains(s.name())) {
                continue;
            }
            ScenarioResult r = runOne(s, kvm, kernel, id);
            results.add(r);
            each.accept(r);
        }
        return List.copyOf(results);
    }

    private ScenarioResult runOne(Scenario scenario, KvmAvailability kvm, HostKernel kernel, int id)
            throws InterruptedException {
        long start = System.nanoTime();
        boolean passed = false;
        String detail;
        try {
            byte[] image = guests.image(machine, scenario.name());
            if (!kvm.usable()) {
                throw new ScenarioFailure("KVM unavailable: " + kvm.reason());
            }
            try (LinuxHostHal hal = new LinuxHostHal(HAL_RESERVATION)) {
                GuestRun run = ScenarioVm.run(scenario, machine, kernel, hal, image, limit, id);
                detail = scenario.verify(run);
                passed = true;
            }
        } catch (ScenarioFailure e) {
            detail = e.getMessage();
        } catch (RuntimeException | LinkageError e) {
            // A VM that cannot be built, a shim that does not load, a backend that throws: the scenario fails with it.
            detail = describe(e);
        }
        return new ScenarioResult(machine.archName(), scenario.name(), passed, detail,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            sb.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return sb.toString();
    }
}
