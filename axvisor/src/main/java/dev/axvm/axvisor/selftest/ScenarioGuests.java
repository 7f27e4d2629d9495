package dev.axvm.axvisor.selftest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Where the scenario guests come from: the native guests jar ({@code dev.axvm:native:guests}) on
 * the class path or module path. On the module path the jar is an automatic module, whose packages
 * are all open, so the images are found through the class loader (a {@code Class}'s own lookup
 * would search this module only).
 */
final class ScenarioGuests {
    private final ClassLoader loader;

    /** Guests found through {@code loader}. */
    ScenarioGuests(ClassLoader loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** Guests found through the loader that loaded this application. */
    static ScenarioGuests ofApplication() {
        return new ScenarioGuests(ScenarioGuests.class.getClassLoader());
    }

    /**
     * The image of {@code scenario} for {@code machine}.
     *
     * @throws ScenarioFailure naming the resource when it is not there
     */
    byte[] image(ScenarioMachine machine, String scenario) throws ScenarioFailure {
        String resource = machine.imageResource(scenario);
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ScenarioFailure("guest image " + resource + " not found: the native guests jar "
                        + "(dev.axvm:native:guests, lib/native-guests.jar beside axvisor.jar) is missing, or was built "
                        + "without the " + machine.archName() + " cross assembler");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading guest image " + resource, e);
        }
    }
}
