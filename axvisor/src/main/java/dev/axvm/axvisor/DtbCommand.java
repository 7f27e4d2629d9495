package dev.axvm.axvisor;

import dev.axvm.axvisor.host.LinuxHostHal;
import dev.axvm.config.LoadedConfig;
import dev.axvm.kvm.HypervisorUnavailableException;
import dev.axvm.vm.AxVM;
import dev.axvm.vm.VmBuildException;
import dev.axvm.vm.fdt.Fdt;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code axvisor dtb <vm.toml> [-o FILE]}: builds the VM (without running it) and writes the device
 * tree it generates, so that a user can read it with {@code dtc -I dtb -O dts}. The tree carries
 * what only KVM knows (the RISC-V ISA string and timer frequency), so it needs the KVM of the
 * config's architecture, as {@code run} does.
 */
@Command(name = "dtb", mixinStandardHelpOptions = true,
        description = {"Write the device tree AxVM generates for a VM (aarch64, riscv64) as a DTB.",
            "Builds the VM on this host's KVM without running it; 'dtc -I dtb -O dts FILE' shows the tree.",
            "Exit status: 0 when written, 1 when the VM cannot be built or has no device tree."})
final class DtbCommand implements Callable<Integer> {

    @Parameters(paramLabel = "VM.toml", description = "The VM's config (AxVisor format).")
    Path config;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the DTB (default: stdout, "
            + "unless it is a terminal).")
    Path output;

    @Spec
    CommandSpec spec;

    private final ConsoleStreams console;

    DtbCommand(ConsoleStreams console) {
        this.console = console;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (output == null && console.outIsTerminal()) {
            err.println("axvisor: a DTB is binary: give -o FILE or redirect stdout");
            err.flush();
            return 1;
        }
        Optional<LoadedConfig> loaded = ConfigFile.load(config, err);
        if (loaded.isEmpty()) {
            return 1;
        }
        byte[] blob;
        try (LinuxHostHal hal = new LinuxHostHal()) {
            var builder = AxVM.builder(loaded.get().config(), hal);
            BuiltInImages.handOver(loaded.get().config(), builder);
            try (AxVM<LinuxHostHal, ?> vm = builder.build()) {
                Optional<Fdt> tree = vm.deviceTree();
                if (tree.isEmpty()) {
                    err.println("axvisor: VM '" + vm.name() + "' has no device tree: " + vm.noDeviceTreeReason());
                    err.flush();
                    return 1;
                }
                blob = tree.get().write();
                err.println("note: " + delivery(vm, loaded.get()));
            }
        } catch (VmBuildException | HypervisorUnavailableException e) {
            err.println("axvisor: " + e.getMessage());
            err.flush();
            return 1;
        }
        err.flush();
        if (output != null) {
            Files.write(output, blob);
        } else {
            OutputStream out = console.out();
            out.write(blob);
            out.flush();
        }
        return 0;
    }

    private static String delivery(AxVM<?, ?> vm, LoadedConfig loaded) {
        var kernel = loaded.config().kernel();
        if (vm.generatedTreeAddress().isPresent()) {
            return String.format("the guest finds this tree at 0x%x", vm.generatedTreeAddress().getAsLong());
        }
        return kernel.dtbPath()
                .map(p -> "the guest gets the config's dtb_path '" + p + "' instead; this is the tree AxVM would generate")
                .orElse("the guest does not get this tree (its kernel is not a Linux Image and the config gives no "
                        + "dtb_load_addr)");
    }
}
