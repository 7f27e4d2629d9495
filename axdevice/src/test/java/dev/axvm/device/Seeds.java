package dev.axvm.device;

/**
 * Seeds for the property tests: {@code -Daxvm.seed=N} replays exactly one seed, otherwise each run
 * starts from a fresh base seed (printed) and case {@code i} uses {@code base + i}.
 */
public final class Seeds {
    private Seeds() {}

    /** The seeds to run for {@code cases} cases of {@code test}, printing the base. */
    public static long[] forCases(String test, int cases) {
        String fixed = System.getProperty("axvm.seed");
        if (fixed != null) {
            long seed = Long.decode(fixed);
            System.out.println(test + ": replaying seed " + seed);
            return new long[] {seed};
        }
        long base = System.nanoTime() ^ Long.rotateLeft(System.identityHashCode(test), 32);
        System.out.println(test + ": base seed " + base + " (" + cases + " cases; replay one with -Daxvm.seed=N)");
        long[] seeds = new long[cases];
        for (int i = 0; i < cases; i++) {
            seeds[i] = base + i;
        }
        return seeds;
    }
}
