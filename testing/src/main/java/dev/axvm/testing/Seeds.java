package dev.axvm.testing;

/**
 * The seed rule of the property and chaos tests: {@code -Daxvm.seed=N} replays exactly one case,
 * otherwise each run starts from a fresh base seed, printed, and case {@code i} uses
 * {@code base + i}. Every failure message names its case's seed ({@link #replay}).
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

    /** What a failure message says about its case: the seed, and how to replay it. */
    public static String replay(long seed) {
        return "seed " + seed + " (replay with -Daxvm.seed=" + seed + ")";
    }
}
