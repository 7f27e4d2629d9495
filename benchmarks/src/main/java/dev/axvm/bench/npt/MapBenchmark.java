package dev.axvm.bench.npt;

import dev.axvm.addrspace.ArenaPagingHandler;
import dev.axvm.addrspace.MappingFlags;
import dev.axvm.addrspace.npt.NestedPageTable;
import dev.axvm.addrspace.npt.PageSize;
import dev.axvm.addrspace.npt.PageTableFormat;
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
 * Mapping and unmapping 1 GiB in an EPT table with entries up to 4 KiB, 2 MiB or 1 GiB (the
 * address pair is 1 GiB aligned, so the bound alone decides). Each invocation starts from a
 * fresh table (empty for map, fully mapped for unmap), built outside the timing. Goals: 4 KiB
 * pages at most 150 ms, blocks at most 1 ms.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MapBenchmark {
    private static final long GIB = 1L << 30;
    private static final long HOST = 1L << 40;

    /** The entry bound, as a short parameter for the metric name. */
    static PageSize pageSize(String pages) {
        return switch (pages) {
            case "4k" -> PageSize.SIZE_4K;
            case "2m" -> PageSize.SIZE_2M;
            case "1g" -> PageSize.SIZE_1G;
            default -> throw new IllegalArgumentException("pages " + pages);
        };
    }

    /** An empty table per invocation. */
    @State(Scope.Thread)
    public static class EmptyTable {
        @Param({"4k", "2m", "1g"})
        public String pages;

        ArenaPagingHandler handler;
        NestedPageTable table;
        PageSize size;

        @Setup(Level.Trial)
        public void open() {
            handler = new ArenaPagingHandler(8L << 20);
            size = pageSize(pages);
        }

        @Setup(Level.Invocation)
        public void fresh() {
            table = NestedPageTable.create(PageTableFormat.EPT, handler);
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (table.translate(GIB - 1) != HOST + GIB - 1) {
                throw new IllegalStateException("map did not map");
            }
            table.close();
        }

        @TearDown(Level.Trial)
        public void close() {
            handler.close();
        }
    }

    /** A table with 1 GiB mapped per invocation. */
    @State(Scope.Thread)
    public static class MappedTable {
        @Param({"4k", "2m", "1g"})
        public String pages;

        ArenaPagingHandler handler;
        NestedPageTable table;

        @Setup(Level.Trial)
        public void open() {
            handler = new ArenaPagingHandler(8L << 20);
        }

        @Setup(Level.Invocation)
        public void fresh() {
            table = NestedPageTable.create(PageTableFormat.EPT, handler);
            table.map(0, HOST, GIB, MappingFlags.RWX, pageSize(pages));
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (table.translate(GIB - 1) != NestedPageTable.UNMAPPED || table.tableFrames() != 1) {
                throw new IllegalStateException("unmap left mappings or tables");
            }
            table.close();
        }

        @TearDown(Level.Trial)
        public void close() {
            handler.close();
        }
    }

    @Benchmark
    public void mapOneGib(EmptyTable s) {
        s.table.map(0, HOST, GIB, MappingFlags.RWX, s.size);
    }

    @Benchmark
    public boolean unmapOneGib(MappedTable s) {
        return s.table.unmap(0, GIB);
    }
}
