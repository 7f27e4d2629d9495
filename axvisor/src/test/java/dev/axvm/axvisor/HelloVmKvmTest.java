package dev.axvm.axvisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.AxVMConfigs;
import dev.axvm.device.uart.CapturingSerialSink;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.HypercallHandler;
import dev.axvm.vm.StopCause;
import dev.axvm.vm.VcpuRunner;
import dev.axvm.vm.VmStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The quick-start VM, from its TOML, through the public API and through the CLI. */
class HelloVmKvmTest {
    private static final String GREETING = "Hello from a real x86_64 guest on KVM, driven by Java!\n";

    @BeforeAll
    static void requireKvm() {
        TestGuests.requireX86Kvm();
    }

    @Test
    void theExampleConfigRunsToPowerOffThroughThePublicApi() throws InterruptedException {
        CapturingSerialSink console = new CapturingSerialSink();
        try (LinuxHostHal hal = new LinuxHostHal(1L << 30)) {
            try (AxVM<LinuxHostHal, ?> vm = AxVM.builder(
                    AxVMConfigs.load(TestGuests.EXAMPLES.resolve("hello-x86_64.toml")).config(), hal)
                    .consoleOutput(console).build()) {
                vm.boot();
                Thread t = Thread.ofPlatform().name(VcpuRunner.threadName(vm.id(), 0))
                        .start(new VcpuRunner(vm, 0, HypercallHandler.NONE, true));
                assertTrue(vm.awaitStopped(10, TimeUnit.SECONDS));
                t.join(5000);
                assertEquals(VmStatus.STOPPED, vm.status());
                assertEquals(StopCause.Kind.POWER_OFF, vm.stopCause().kind());
            }
            assertEquals(0, hal.liveFrames(), "RAM and page tables returned");
        }
        assertEquals(GREETING, console.text());
    }

    @Test
    void theCliPrintsTheGreetingAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new ConsoleStreams(new ByteArrayInputStream(new byte[0]), out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute("run", TestGuests.EXAMPLES.resolve("hello-x86_64.toml").toString());
        assertEquals(0, status, err.toString());
        assertEquals(GREETING, out.toString(StandardCharsets.US_ASCII));
        assertEquals("", err.toString());
    }

    @Test
    void aConfigThatDoesNotExistIsOneErrorLineAndStatusOne() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new ConsoleStreams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream()));
        cl.setErr(new PrintWriter(err));
        assertEquals(1, cl.execute("run", "/nonexistent/vm.toml"));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: /nonexistent/vm.toml"), err.toString());
    }
}
