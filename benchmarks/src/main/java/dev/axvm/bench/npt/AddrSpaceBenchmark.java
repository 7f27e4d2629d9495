package dev.axvm.bench.npt;

import dev.axvm.addrspace.AddrSpace;
import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.npt.PageTableFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The address space's own lookups over 64 MiB of frame-backed (4 KiB) guest RAM at random
 * addresses: {@link AddrSpace#translate(long)} (read lock + table walk) and
 * {@link AddrSpace#readLong(long)} (read lock + area lookup + bounds-checked host read).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AddrSpaceBenchmark {
    private static final long RAM = 64L << 20;
    private static final int ADDRESSES = 1 << 16;

    private ArenaPagingHandler handler;
    private AddrSpace<ArenaPagingHandler> space;
    private final long[] gpas = new long[ADDRESSES];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        handler = new ArenaPagingHandler(RAM + (8L << 20));
        space = new AddrSpace<>(handler, PageTableFormat.EPT, GuestPhysAddr.of(0), 1L << 32);
        space.mapAlloc(GuestPhysAddr.of(0), RAM, MappingFlags.RWX, true);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < ADDRESSES; i++) {
            gpas[i] = rnd.nextLong(RAM - 8) & -8;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        space.close();
        handler.close();
    }

    @Benchmark
    public long addrSpaceTranslate() {
        return space.translate(gpas[next++ & (ADDRESSES - 1)]);
    }

    @Benchmark
    public long addrSpaceReadLong() {
        return space.readLong(gpas[next++ & (ADDRESSES - 1)]);
    }
}
