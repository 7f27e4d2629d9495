package dev.axvm.bench;

import java.util.List;

/** A measurement that JMH's time-per-operation model does not fit (resident memory per VM, say). */
@FunctionalInterface
public interface FigureProbe {
    /** Measures, and returns the figures to print. */
    List<Figure> measure() throws Exception;
}
