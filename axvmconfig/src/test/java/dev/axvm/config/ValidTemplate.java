package dev.axvm.config;

/**
 * A valid config that uses most keys, with known line numbers: the starting point of the broken
 * corpus and of several other tests. Line numbers are in the comments the corpus relies on.
 */
final class ValidTemplate {
    private ValidTemplate() {}

    /** The text; line 1 is the comment. */
    static final String TEXT = """
            # a valid config; every broken case changes one thing
            [base]
            id = 1
            name = "demo"
            vm_type = 1
            cpu_num = 2
            phys_cpu_ids = [0x0, 0x1]
            arch = "x86_64"

            [kernel]
            entry_point = 0x8000
            kernel_path = "kernel.bin"
            kernel_load_addr = 0x20_0000
            bios_path = "bios.bin"
            bios_load_addr = 0x8000
            image_location = "memory"
            cmdline = "console=ttyS0"
            memory_regions = [
              [0x0, 0x100_0000, 0x7, 0],
              [0x4000_0000, 0x10_0000, 0x7, 0],
            ]

            [devices]
            interrupt_mode = "emu"
            emu_devices = [
              ["uart", 0xfe00_0000, 0x1000, 4, 0x2, []],
              ["virtio-blk", 0xfe00_1000, 0x1000, 5, 0xE1, [1]],
            ]
            passthrough_devices = []
            """;

    /** The template with one exact piece of text replaced; fails when {@code from} is not there exactly once. */
    static String with(String from, String to) {
        int at = TEXT.indexOf(from);
        if (at < 0 || TEXT.indexOf(from, at + 1) >= 0) {
            throw new IllegalArgumentException("the template must contain exactly one \"" + from + "\"");
        }
        return TEXT.substring(0, at) + to + TEXT.substring(at + from.length());
    }
}
