package dev.axvm.axvisor;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options {@code run} and {@code restore} share: how the VM's session on this terminal goes and ends. */
final class RunOptions {
    /** What a guest kernel panic does to the VM. */
    enum OnPanic {
        /** Stop the VM and exit 1 (the default: a panicking guest that reboots itself would loop until --timeout). */
        stop,
        /** Let the guest go on: it reboots (panic=N) or hangs (panic=0) as its command line says. */
        ignore
    }

    @Option(names = "--no-input", description = "Do not connect the terminal's input to the guest.")
    boolean noInput;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the VM after this many seconds (exit 124).")
    long timeoutSeconds;

    @Option(names = "--on-panic", paramLabel = "ACTION", defaultValue = "stop",
            description = "When the guest's console shows Linux's panic line: stop (exit 1; the default) or ignore "
                    + "(the guest reboots or hangs as its panic= argument says; --timeout bounds it).")
    OnPanic onPanic;

    @Option(names = "--time-to", paramLabel = "TEXT",
            description = "Print on stderr how long after boot (or resume) TEXT first showed on the guest's console "
                    + "(e.g. a marker its init prints).")
    String timeTo;

    @Option(names = "--snapshot-on", paramLabel = "TEXT",
            description = "When TEXT first shows on the guest's console, pause the VM, write its snapshot to "
                    + "--snapshot-to, and stop it (exit 0). `axvisor restore` brings it back.")
    String snapshotOn;

    @Option(names = "--snapshot-to", paramLabel = "FILE", description = "Where --snapshot-on writes the snapshot.")
    Path snapshotTo;

    @Option(names = "--diff",
            description = "With --snapshot-on: write a diff snapshot, only the memory changed since the snapshot the VM "
                    + "was restored from (`axvisor restore`), layered on that file, which must stay (or sit beside the diff).")
    boolean diff;

    /** Whether the options fit together; when not, says why on {@code err}. */
    boolean check(PrintWriter err) {
        String why = (snapshotOn == null) != (snapshotTo == null) ? "--snapshot-on and --snapshot-to go together"
                : diff && snapshotOn == null ? "--diff goes with --snapshot-on and --snapshot-to" : null;
        if (why != null) {
            err.println("axvisor: " + why);
            err.flush();
            return false;
        }
        return true;
    }
}
