package dev.axvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Unknown keys load with a one-line warning that says where the key belongs or what was meant. */
class WarningsTest {
    private static final String SRC = "w.toml";

    private static List<String> unknownKeyWarnings(String toml) {
        return AxVMConfigs.parse(toml, SRC).warnings().stream()
                .filter(w -> w.kind() == ConfigWarning.Kind.UNKNOWN_KEY).map(ConfigWarning::line).toList();
    }

    @Test
    void aMisspeltKeySuggestsTheKnownOne() {
        assertEquals(List.of("w.toml:9:1: base.vm_tpye: unknown key (ignored; did you mean vm_type?)"),
                unknownKeyWarnings(ValidTemplate.with("arch = \"x86_64\"", "arch = \"x86_64\"\nvm_tpye = 2")));
    }

    @Test
    void aKeyInTheWrongTableSaysWhereItBelongs() {
        assertEquals(List.of("w.toml:9:1: base.cmdline: unknown key (ignored; cmdline belongs in [kernel])"),
                unknownKeyWarnings(ValidTemplate.with("arch = \"x86_64\"", "arch = \"x86_64\"\ncmdline = \"quiet\"")));
    }

    @Test
    void aMisspeltKeyOfAnotherTableSuggestsItThere() {
        assertEquals(List.of("w.toml:30:1: devices.phys_cpu_idz: unknown key (ignored; did you mean phys_cpu_ids in [base]?)"),
                unknownKeyWarnings(ValidTemplate.TEXT + "phys_cpu_idz = [0]\n"));
    }

    @Test
    void aKeyNothingLikeAnyOtherIsJustIgnored() {
        assertEquals(List.of("w.toml:30:1: devices.colour: unknown key (ignored)"),
                unknownKeyWarnings(ValidTemplate.TEXT + "colour = \"blue\"\n"));
    }

    @Test
    void anUnknownTableSuggestsAKnownOne() {
        assertEquals(List.of("w.toml:31:1: kernal: unknown table (ignored; did you mean [kernel]?)"),
                unknownKeyWarnings(ValidTemplate.TEXT + "\n[kernal]\nx = 1\n"));
    }

    @Test
    void aKeyWithANewlineInItsNameStaysOnOneLine() {
        assertEquals(List.of("w.toml:30:1: devices.\"a\\nb\": unknown key (ignored)"),
                unknownKeyWarnings(ValidTemplate.TEXT + "\"a\\nb\" = 1\n"));
    }

    @Test
    void aMisspeltTableComesWithTheMissingTableError() {
        String toml = ValidTemplate.TEXT.replace("[kernel]", "[kernal]");
        ConfigException e = assertThrows(ConfigException.class, () -> AxVMConfigs.parse(toml, SRC));
        assertEquals("w.toml:1:1: kernel: missing (expected a [kernel] table with entry_point, kernel_path, "
                + "kernel_load_addr and memory_regions)", e.getMessage());
        assertEquals(List.of("w.toml:10:1: kernal: unknown table (ignored; did you mean [kernel]?)"),
                e.warnings().stream().map(ConfigWarning::line).toList());
    }

    @Test
    void warningsComeInFileOrder() {
        String toml = ValidTemplate.with("image_location = \"memory\"", "image_location = \"fs\"\nbogus = 1")
                .replace("id = 1", "id = 1\nnmae = \"x\"");
        List<Integer> lines = AxVMConfigs.parse(toml, SRC).warnings().stream().map(w -> w.location().line()).toList();
        assertEquals(lines.stream().sorted().toList(), lines);
        assertEquals(5, lines.size(), "nmae, kernel_path, bios_path, bogus, the virtio-blk entry without a disk image: " + lines);
    }
}
