package dev.axvm.kvm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.kvm.internal.Shim;
import org.junit.jupiter.api.Test;

/**
 * What the shim's terminal calls do off a terminal. (On one: raw mode turns off echo, line editing
 * and key signals, keeps output processing, and close puts everything back — checked by hand under
 * {@code script}, which gives a program a terminal; a unit test has none.)
 */
class HostTerminalTest {
    @Test
    void aFileIsNotATerminalAndCannotBeMadeRaw() {
        int fd = Shim.open("/dev/null");
        assertTrue(fd >= 0, "open /dev/null: " + fd);
        try {
            assertFalse(HostTerminal.isTerminal(fd));
            KvmException e = assertThrows(KvmException.class, () -> HostTerminal.raw(fd));
            assertTrue(e.getMessage().startsWith("tcgetattr failed: ENOTTY"), e.getMessage());
        } finally {
            Shim.close(fd);
        }
    }
}
