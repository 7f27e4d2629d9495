package dev.axvm.bench.npt;

import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.npt.NestedPageTable;
import dev.axvm.addrspace.npt.PageSize;
import dev.axvm.addrspace.npt.PageTableFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link NestedPageTable#translate(long)} of random addresses in 1 GiB mapped with 4 KiB pages
 * (262,144 leaf entries in 512 last-level tables: the walk misses the CPU caches as a real
 * guest's would). Goal: at most 30 ns per translation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TranslateBenchmark {
    private static final long GIB = 1L << 30;
    private static final long HOST = 1L << 40;
    private static final int ADDRESSES = 1 << 16;

    @Param({"EPT", "AARCH64_S2_3L", "AARCH64_S2_4L", "SV39X4", "SV48X4"})
    public String format;

    private ArenaPagingHandler handler;
    private NestedPageTable table;
    private final long[] gpas = new long[ADDRESSES];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        handler = new ArenaPagingHandler(8L << 20);
        table = NestedPageTable.create(PageTableFormat.valueOf(format), handler);
        table.map(0, HOST, GIB, MappingFlags.RWX, PageSize.SIZE_4K);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < ADDRESSES; i++) {
            gpas[i] = rnd.nextLong(GIB);
        }
        if (table.translate(gpas[7]) != HOST + gpas[7]) {
            throw new IllegalStateException("translate is wrong; refusing to time it");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        table.close();
        handler.close();
    }

    @Benchmark
    public long translate() {
        return table.translate(gpas[next++ & (ADDRESSES - 1)]);
    }
}
