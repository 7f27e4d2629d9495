package dev.axvm.axvisor;

import dev.axvm.config.LoadedConfig;
import dev.axvm.vm.acpi.AcpiTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code axvisor acpi <vm.toml> -o DIR}: writes the ACPI tables AxVM generates for an x86_64 VM, one
 * file per table ({@code rsdp.dat}, {@code xsdt.dat}, {@code facp.dat}, {@code dsdt.dat},
 * {@code apic.dat}), for {@code iasl -d}. The tables depend on the config only (vCPUs, virtio
 * devices), so no KVM is needed.
 */
@Command(name = "acpi", mixinStandardHelpOptions = true,
        description = {"Write the ACPI tables AxVM generates for an x86_64 VM, one file per table.",
            "'iasl -d DIR/dsdt.dat' decodes one (Debian package acpica-tools).",
            "Exit status: 0 when written, 1 when the config does not load or is not for x86_64."})
final class AcpiCommand implements Callable<Integer> {
    /** Where the tables would sit in guest memory (the BIOS area the kernel scans for the RSDP). */
    static final long TABLES_GPA = 0xe_0000;

    @Parameters(paramLabel = "VM.toml", description = "The VM's config (AxVisor format).")
    Path config;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true, description = "The directory to write the tables into.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Optional<LoadedConfig> loaded = ConfigFile.load(config, err);
        if (loaded.isEmpty()) {
            return 1;
        }
        AcpiTables tables;
        try {
            tables = AcpiTables.of(loaded.get().config(), TABLES_GPA);
        } catch (IllegalArgumentException e) {
            err.println("axvisor: " + config + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        Files.createDirectories(output);
        Map<String, byte[]> all = tables.tables();
        for (Map.Entry<String, byte[]> t : all.entrySet()) {
            Files.write(output.resolve(t.getKey().toLowerCase(Locale.ROOT) + ".dat"), t.getValue());
        }
        err.println("note: wrote " + all.size() + " tables (" + String.join(", ", all.keySet()) + ") to " + output
                + "; at GPA 0x" + Long.toHexString(TABLES_GPA) + " the RSDP comes first");
        err.flush();
        return 0;
    }
}
