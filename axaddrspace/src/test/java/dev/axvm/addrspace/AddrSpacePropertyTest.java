package dev.axvm.addrspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.PageModel.Kind;
import dev.axvm.addrspace.PageModel.Run;
import dev.axvm.addrspace.npt.PageMapping;
import dev.axvm.addrspace.npt.PageTableFormat;
import dev.axvm.addrspace.npt.RawTableDecoder;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random sequences of mapLinear (RAM and device, 4 KiB to 1 GiB), mapAlloc (populated and lazy),
 * unmap, protect, page faults and guest-memory writes against {@link PageModel}. After every step,
 * sampled addresses must agree three ways: the model, {@link AddrSpace#translate}/{@link AddrSpace#query},
 * and an independent walk of the raw tables ({@link RawTableDecoder}); every 250 steps the whole
 * table is scanned and the frames are counted.
 *
 * <p>Replay a failure with {@code -Daxvm.seed=N} (the seed is in every message); change the
 * length with {@code -Daxvm.steps=N}.
 */
class AddrSpacePropertyTest {
    private static final long SEED = Long.getLong("axvm.seed", new SplittableRandom().nextLong());
    private static final int STEPS = Integer.getInteger("axvm.steps", 10_000);
    private static final long PAGE = 4096;
    private static final long M2 = 1L << 21;
    private static final long G = 1L << 30;
    private static final long SPACE = 8 * G;
    private static final long DENSE = 64L << 20;
    private static final long DEVICE_HPA = 1L << 40;

    @ParameterizedTest
    @EnumSource(PageTableFormat.class)
    void randomOperationsAgreeWithThePageModel(PageTableFormat format) {
        // One seed replays every format; each format still gets its own sequence.
        new Session(format, SEED, SEED ^ (0x9E3779B97F4A7C15L * (format.ordinal() + 1))).run(STEPS);
    }

    private enum Op { LINEAR_RAM, LINEAR_DEVICE, ALLOC, LAZY, UNMAP, PROTECT, FAULT, ACCESS }

    private enum Outcome { DONE, REFUSED, NO_FRAMES }

    /** A host block the test allocated and mapped linearly; freed when no page of it is mapped. */
    private static final class Block {
        final long hpa;
        final int frames;
        long mappedPages;

        Block(long hpa, int frames) {
            this.hpa = hpa;
            this.frames = frames;
            this.mappedPages = frames;
        }
    }

    private static final class Session {
        final PageTableFormat format;
        final long seed;
        final SplittableRandom rnd;
        /** Frames the test holds to squeeze the pool, so that the space's own allocations fail now and then. */
        final List<HostPhysAddr> balloon = new ArrayList<>();
        final ArenaPagingHandler handler = new ArenaPagingHandler(12L << 20);
        final AddrSpace<ArenaPagingHandler> space;
        final RawTableDecoder raw;
        final PageModel model = new PageModel();
        final TreeMap<Long, Block> blocks = new TreeMap<>();
        final Set<Long> allocFrames = new HashSet<>();
        final Map<Op, EnumMap<Outcome, Integer>> stats = new EnumMap<>(Op.class);
        int step;
        String lastOp = "";

        Session(PageTableFormat format, long seed, long formatSeed) {
            this.format = format;
            this.seed = seed;
            this.rnd = new SplittableRandom(formatSeed);
            this.space = new AddrSpace<>(handler, format, GuestPhysAddr.of(0), SPACE);
            this.raw = new RawTableDecoder(format, handler);
        }

        Supplier<String> ctx(String what) {
            return () -> "seed=" + seed + " (replay: -Daxvm.seed=" + seed + ") format=" + format + " step=" + step
                    + " op=" + lastOp + ": " + what;
        }

        void run(int steps) {
            try {
                for (step = 0; step < steps; step++) {
                    Op op = pickOp();
                    Outcome outcome = apply(op);
                    stats.computeIfAbsent(op, k -> new EnumMap<>(Outcome.class)).merge(outcome, 1, Integer::sum);
                    sample();
                    if (step % 250 == 249) {
                        fullCheck();
                    }
                    if (step % 400 == 399) {
                        squeezeOrRelease();
                    }
                }
                fullCheck();
                for (Op op : Op.values()) {
                    int done = stats.getOrDefault(op, new EnumMap<>(Outcome.class)).getOrDefault(Outcome.DONE, 0);
                    assertTrue(done > steps / 200, ctx(op + " succeeded only " + done + " times: the test would prove little"));
                }
                System.out.println("AddrSpacePropertyTest " + format + " seed=" + seed + " steps=" + steps + " " + stats);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(ctx("failed").get(), e);
            } finally {
                space.close();
                balloon.forEach(handler::freeFrame);
                for (Block b : blocks.values()) {
                    handler.freeFrames(HostPhysAddr.of(b.hpa), b.frames);
                }
                assertEquals(0, handler.liveFrames(), ctx("live frames after close() and freeing the test's blocks"));
                handler.close();
            }
        }

        void squeezeOrRelease() {
            if (!balloon.isEmpty()) {
                balloon.forEach(handler::freeFrame);
                balloon.clear();
                return;
            }
            int leave = rnd.nextInt(12);
            while (handler.capacityFrames() - handler.liveFrames() > leave) {
                balloon.add(handler.allocFrame());
            }
        }

        Op pickOp() {
            int r = rnd.nextInt(100);
            return r < 14 ? Op.LINEAR_RAM : r < 22 ? Op.LINEAR_DEVICE : r < 32 ? Op.ALLOC : r < 42 ? Op.LAZY
                    : r < 60 ? Op.UNMAP : r < 72 ? Op.PROTECT : r < 90 ? Op.FAULT : Op.ACCESS;
        }

        // ---- choosing addresses and flags

        long pickGpa(long align) {
            int r = rnd.nextInt(10);
            long g;
            if (r < 4 && !model.isEmpty()) {
                Run run = model.nth(rnd.nextInt(model.size()));
                g = (rnd.nextBoolean() ? run.start() : run.end()) + (rnd.nextInt(17) - 8) * PAGE;
            } else if (r < 8) {
                g = rnd.nextLong(DENSE / PAGE) * PAGE;
            } else {
                g = rnd.nextLong((SPACE + G) / PAGE) * PAGE;
            }
            return Math.max(0, g) & -align;
        }

        MappingFlags pickFlags() {
            int access;
            do {
                access = rnd.nextInt(8);
            } while (access == 0 || (!isArm() && (access & 3) == 2));
            int extra = switch (rnd.nextInt(8)) {
                case 0 -> MappingFlags.USER_BIT;
                case 1 -> MappingFlags.UNCACHED_BIT;
                case 2 -> MappingFlags.DEVICE_BIT | MappingFlags.UNCACHED_BIT;
                default -> 0;
            };
            return MappingFlags.of(access | extra);
        }

        boolean isArm() {
            return format == PageTableFormat.AARCH64_S2_3L || format == PageTableFormat.AARCH64_S2_4L;
        }

        /** What the test expects a leaf to record for {@code requested}: written from the issue, not from the code. */
        static int expectedBits(MappingFlags requested) {
            int b = requested.bits() & ~MappingFlags.USER_BIT;
            return (b & MappingFlags.DEVICE_BIT) != 0 ? b & ~MappingFlags.UNCACHED_BIT : b;
        }

        boolean inSpace(long gpa, long size) {
            return gpa >= 0 && size > 0 && gpa + size <= SPACE;
        }

        // ---- operations

        Outcome apply(Op op) {
            return switch (op) {
                case LINEAR_RAM -> linearRam();
                case LINEAR_DEVICE -> linearDevice();
                case ALLOC -> alloc(true);
                case LAZY -> alloc(false);
                case UNMAP -> unmap();
                case PROTECT -> protect();
                case FAULT -> fault();
                case ACCESS -> access();
            };
        }

        Outcome linearRam() {
            boolean big = rnd.nextInt(10) < 3;
            int pages = big ? 512 : 1 + rnd.nextInt(16);
            long gpa = pickGpa(big ? M2 : PAGE);
            MappingFlags flags = pickFlags().minus(MappingFlags.DEVICE);
            HostPhysAddr block;
            try {
                block = handler.allocFrames(pages, big ? 512 : 1);
            } catch (FrameAllocationException e) {
                lastOp = "linearRam skipped (test pool full)";
                return Outcome.NO_FRAMES;
            }
            long size = pages * PAGE;
            lastOp = "mapLinear GPA 0x" + Long.toHexString(gpa) + " " + block + " size 0x" + Long.toHexString(size) + " " + flags;
            boolean ok = inSpace(gpa, size) && !model.overlaps(gpa, gpa + size);
            try {
                space.mapLinear(GuestPhysAddr.of(gpa), block, size, flags);
            } catch (IllegalArgumentException e) {
                assertTrue(!ok, ctx("refused a valid mapLinear: " + e.getMessage()));
                handler.freeFrames(block, pages);
                return Outcome.REFUSED;
            } catch (FrameAllocationException e) {
                assertTrue(ok, ctx("ran out of frames on an invalid request"));
                handler.freeFrames(block, pages);
                return Outcome.NO_FRAMES;
            }
            assertTrue(ok, ctx("accepted an overlapping or out-of-range mapLinear"));
            model.add(new Run(gpa, gpa + size, Kind.LINEAR_RAM, flags, block.value()));
            blocks.put(block.value(), new Block(block.value(), pages));
            return Outcome.DONE;
        }

        Outcome linearDevice() {
            int kind = rnd.nextInt(10);
            long align = kind < 4 ? PAGE : kind < 7 ? M2 : G;
            long size = kind < 4 ? (1 + rnd.nextInt(16)) * PAGE : align;
            long gpa = pickGpa(align);
            long hpa = DEVICE_HPA + rnd.nextLong(1L << 27) * PAGE & -align;
            MappingFlags flags = pickFlags().union(MappingFlags.DEVICE);
            lastOp = "mapLinear device GPA 0x" + Long.toHexString(gpa) + " HPA 0x" + Long.toHexString(hpa) + " size 0x"
                    + Long.toHexString(size) + " " + flags;
            boolean ok = inSpace(gpa, size) && !model.overlaps(gpa, gpa + size);
            try {
                space.mapLinear(GuestPhysAddr.of(gpa), HostPhysAddr.of(hpa), size, flags);
            } catch (IllegalArgumentException e) {
                assertTrue(!ok, ctx("refused a valid device mapLinear: " + e.getMessage()));
                return Outcome.REFUSED;
            } catch (FrameAllocationException e) {
                assertTrue(ok, ctx("ran out of frames on an invalid request"));
                return Outcome.NO_FRAMES;
            }
            assertTrue(ok, ctx("accepted an overlapping or out-of-range device mapLinear"));
            model.add(new Run(gpa, gpa + size, Kind.LINEAR_DEVICE, flags, hpa));
            return Outcome.DONE;
        }

        Outcome alloc(boolean populate) {
            int pages = populate ? 1 + rnd.nextInt(16) : rnd.nextInt(8) == 0 ? 512 : 1 + rnd.nextInt(64);
            long gpa = pickGpa(PAGE);
            long size = pages * PAGE;
            MappingFlags flags = pickFlags();
            lastOp = "mapAlloc GPA 0x" + Long.toHexString(gpa) + " size 0x" + Long.toHexString(size) + " " + flags
                    + (populate ? " populate" : " lazy");
            boolean ok = inSpace(gpa, size) && !model.overlaps(gpa, gpa + size);
            try {
                space.mapAlloc(GuestPhysAddr.of(gpa), size, flags, populate);
            } catch (IllegalArgumentException e) {
                assertTrue(!ok, ctx("refused a valid mapAlloc: " + e.getMessage()));
                return Outcome.REFUSED;
            } catch (FrameAllocationException e) {
                assertTrue(ok, ctx("ran out of frames on an invalid request"));
                return Outcome.NO_FRAMES;
            }
            assertTrue(ok, ctx("accepted an overlapping or out-of-range mapAlloc"));
            if (!populate) {
                model.add(new Run(gpa, gpa + size, Kind.LAZY, flags, PageModel.NOT_PRESENT));
                return Outcome.DONE;
            }
            for (long p = gpa; p < gpa + size; p += PAGE) {
                model.add(new Run(p, p + PAGE, Kind.ALLOC, flags, newFrame(p)));
            }
            return Outcome.DONE;
        }

        /** The frame the space just put at {@code page}: must be a fresh, zeroed frame of the handler. */
        long newFrame(long page) {
            long hpa = space.translate(page);
            assertTrue(hpa != AddrSpace.UNMAPPED && handler.owns(HostPhysAddr.of(hpa)) && (hpa & (PAGE - 1)) == 0,
                    ctx("page 0x" + Long.toHexString(page) + " got HPA 0x" + Long.toHexString(hpa)));
            assertTrue(allocFrames.add(hpa), ctx("frame 0x" + Long.toHexString(hpa) + " handed out twice"));
            assertTrue(blocks.floorEntry(hpa) == null || blocks.floorEntry(hpa).getValue().hpa
                    + blocks.floorEntry(hpa).getValue().frames * PAGE <= hpa, ctx("frame inside a test-owned block"));
            return hpa;
        }

        long pickSize() {
            int r = rnd.nextInt(10);
            return r < 6 ? (1 + rnd.nextInt(64)) * PAGE : r < 8 ? (1 + rnd.nextInt(1024)) * PAGE : r < 9 ? M2 : G;
        }

        Outcome unmap() {
            long size = pickSize();
            long gpa = pickGpa(size >= M2 && rnd.nextBoolean() ? M2 : PAGE);
            lastOp = "unmap GPA 0x" + Long.toHexString(gpa) + " size 0x" + Long.toHexString(size);
            boolean ok = inSpace(gpa, size);
            try {
                space.unmap(GuestPhysAddr.of(gpa), size);
            } catch (IllegalArgumentException e) {
                assertTrue(!ok, ctx("refused a valid unmap: " + e.getMessage()));
                return Outcome.REFUSED;
            } catch (FrameAllocationException e) {
                assertTrue(ok, ctx("ran out of frames on an invalid request"));
                return Outcome.NO_FRAMES;
            }
            assertTrue(ok, ctx("accepted an out-of-range unmap"));
            for (Run r : model.remove(gpa, gpa + size)) {
                if (r.kind() == Kind.LINEAR_RAM) {
                    Block b = blocks.floorEntry(r.hpa()).getValue();
                    b.mappedPages -= (r.end() - r.start()) / PAGE;
                    if (b.mappedPages == 0) {
                        handler.freeFrames(HostPhysAddr.of(b.hpa), b.frames);
                        blocks.remove(b.hpa);
                    }
                } else if (r.present() && r.kind() != Kind.LINEAR_DEVICE) {
                    assertTrue(allocFrames.remove(r.hpa()), ctx("unmapped an unknown frame"));
                }
            }
            return Outcome.DONE;
        }

        Outcome protect() {
            long size = pickSize();
            long gpa = pickGpa(size >= M2 && rnd.nextBoolean() ? M2 : PAGE);
            MappingFlags flags = rnd.nextInt(20) == 0 ? MappingFlags.of(rnd.nextInt(64)) : pickFlags();
            lastOp = "protect GPA 0x" + Long.toHexString(gpa) + " size 0x" + Long.toHexString(size) + " " + flags;
            int access = flags.bits() & 7;
            boolean encodable = access != 0 && (isArm() || (access & 3) != 2);
            // Flags may turn RAM into DEVICE and back: the model says a DEVICE page is not RAM, and a
            // linear DEVICE block stays without host view even when protected to plain flags.
            boolean ok = inSpace(gpa, size) && encodable;
            try {
                space.protect(GuestPhysAddr.of(gpa), size, flags);
            } catch (IllegalArgumentException e) {
                assertTrue(!ok, ctx("refused a valid protect: " + e.getMessage()));
                return Outcome.REFUSED;
            } catch (FrameAllocationException e) {
                assertTrue(ok, ctx("ran out of frames on an invalid request"));
                return Outcome.NO_FRAMES;
            }
            assertTrue(ok, ctx("accepted an invalid protect"));
            model.reflag(gpa, gpa + size, flags);
            return Outcome.DONE;
        }

        Outcome fault() {
            long gpa;
            int r = rnd.nextInt(20);
            if (r == 0) {
                gpa = switch (rnd.nextInt(4)) {
                    case 0 -> -1L;
                    case 1 -> Long.MIN_VALUE;
                    case 2 -> SPACE + rnd.nextLong(1L << 40);
                    default -> rnd.nextLong();
                };
            } else if (r < 16 && !model.isEmpty()) {
                List<Run> lazy = model.runs().stream().filter(x -> x.kind() == Kind.LAZY && !x.present()).toList();
                Run run = !lazy.isEmpty() && rnd.nextInt(3) > 0 ? lazy.get(rnd.nextInt(lazy.size()))
                        : model.nth(rnd.nextInt(model.size()));
                gpa = run.start() + rnd.nextLong(run.end() - run.start());
            } else {
                gpa = pickGpa(PAGE) + rnd.nextLong(PAGE);
            }
            Run target = model.at(gpa);
            int allowed = target == null ? 0 : target.flags().bits() & 7;
            int accessBits = allowed != 0 && rnd.nextInt(3) > 0 ? pickSubset(allowed) : 1 + rnd.nextInt(7);
            MappingFlags access = MappingFlags.of(accessBits | (rnd.nextInt(10) == 0 ? MappingFlags.USER_BIT : 0));
            lastOp = "handlePageFault GPA 0x" + Long.toHexString(gpa) + " " + access;
            Run run = model.at(gpa);
            boolean expect = run != null && run.kind() == Kind.LAZY && run.flags().contains(access);
            boolean got;
            try {
                got = space.handlePageFault(gpa, access);
            } catch (FrameAllocationException e) {
                assertTrue(expect && !run.present(), ctx("no-frame failure where no frame was needed"));
                return Outcome.NO_FRAMES;
            }
            assertEquals(expect, got, ctx("handlePageFault result"));
            if (expect && !run.present()) {
                long page = gpa & -PAGE;
                model.populate(page, newFrame(page));
                assertEquals(0L, handler.physToSegment(HostPhysAddr.of(space.translate(page)), PAGE)
                        .get(ValueLayout.JAVA_LONG_UNALIGNED, rnd.nextLong(PAGE - 7)), ctx("a fresh frame is zeroed"));
            }
            return got ? Outcome.DONE : Outcome.REFUSED;
        }

        int pickSubset(int bits) {
            int sub;
            do {
                sub = bits & rnd.nextInt(8);
            } while (sub == 0);
            return sub;
        }

        /** A little-endian long written through GuestMemory lands where translate says, or fails whole. */
        Outcome access() {
            long gpa;
            if (!model.isEmpty() && rnd.nextInt(4) > 0) {
                Run run = model.nth(rnd.nextInt(model.size()));
                // Often straddle the run's end, into whatever follows.
                gpa = rnd.nextBoolean() ? run.end() - 1 - rnd.nextInt(8) : run.start() + rnd.nextLong(run.end() - run.start());
            } else {
                gpa = rnd.nextLong(DENSE);
            }
            long value = rnd.nextLong();
            lastOp = "writeLong GPA 0x" + Long.toHexString(gpa) + " = 0x" + Long.toHexString(value);
            long firstNonRam = -1;
            for (int i = 0; i < 8; i++) {
                Run r = model.at(gpa + i);
                if (r == null || !r.isRam()) {
                    firstNonRam = gpa + i;
                    break;
                }
            }
            byte[] before = hostBytes(gpa, 8);
            try {
                space.writeLong(gpa, value);
            } catch (GuestMemoryException e) {
                assertEquals(firstNonRam, e.gpa(), ctx("the exception names the first non-RAM byte: " + e.getMessage()));
                assertTrue(e.getMessage().contains(Long.toHexString(firstNonRam)), ctx("message names the GPA: " + e.getMessage()));
                assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(hostBytes(gpa, 8)),
                        ctx("a refused write changes no byte"));
                return Outcome.REFUSED;
            } catch (FrameAllocationException e) {
                // Pages populated before the shortage stay populated (invisible to the guest); nothing was written.
                learnPopulated(gpa);
                assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(hostBytes(gpa, 8)),
                        ctx("a write that ran out of frames changes no byte"));
                return Outcome.NO_FRAMES;
            }
            assertEquals(-1, firstNonRam, ctx("write accepted though GPA 0x" + Long.toHexString(firstNonRam) + " is not RAM"));
            learnPopulated(gpa);
            for (int i = 0; i < 8; i++) {
                Run r = model.at(gpa + i);
                assertTrue(r.present(), ctx("byte " + i + " written but its page is not present"));
            }
            byte[] after = hostBytes(gpa, 8);
            for (int i = 0; i < 8; i++) {
                assertEquals((byte) (value >>> (8 * i)), after[i], ctx("byte " + i + " in host memory at translate(gpa + i)"));
            }
            assertEquals(value, space.readLong(gpa), ctx("readLong returns what writeLong wrote"));
            return Outcome.DONE;
        }

        /** Records in the model the lazy pages among gpa..gpa+7 that the space populated. */
        void learnPopulated(long gpa) {
            for (int i = 0; i < 8; i++) {
                long page = (gpa + i) & -PAGE;
                Run r = model.at(page);
                if (r != null && r.kind() == Kind.LAZY && !r.present() && space.translate(page) != AddrSpace.UNMAPPED) {
                    model.populate(page, newFrame(page));
                }
            }
        }

        /** Bytes as the host sees them at translate(gpa + i), or 0 where unmapped or not host memory. */
        byte[] hostBytes(long gpa, int n) {
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                long hpa = space.translate(gpa + i);
                if (hpa != AddrSpace.UNMAPPED && handler.owns(HostPhysAddr.of(hpa))) {
                    out[i] = handler.physToSegment(HostPhysAddr.of(hpa), 1).get(ValueLayout.JAVA_BYTE, 0);
                }
            }
            return out;
        }

        // ---- checks

        void sample() {
            List<Long> probes = new ArrayList<>();
            for (int i = 0; i < 6 && !model.isEmpty(); i++) {
                Run r = model.nth(rnd.nextInt(model.size()));
                probes.add(r.start());
                probes.add(r.end() - 1);
                probes.add(r.start() + rnd.nextLong(r.end() - r.start()));
            }
            for (int i = 0; i < 3; i++) {
                probes.add(rnd.nextLong(DENSE));
                probes.add(rnd.nextLong(SPACE + G));
            }
            probes.add(-1L);
            probes.add(Long.MIN_VALUE);
            probes.add(SPACE);
            for (long gpa : probes) {
                checkAddress(gpa);
            }
        }

        void checkAddress(long gpa) {
            Run r = model.at(gpa);
            long expect = r == null || !r.present() ? AddrSpace.UNMAPPED : r.translate(gpa);
            String where = "GPA 0x" + Long.toHexString(gpa) + " model " + r;
            assertEquals(expect, space.translate(gpa), ctx("translate at " + where));
            Optional<PageMapping> q = space.query(gpa);
            RawTableDecoder.Leaf leaf = raw.walk(space.pageTableRoot().value(), gpa);
            if (expect == AddrSpace.UNMAPPED) {
                assertTrue(q.isEmpty(), ctx("query finds nothing at " + where));
                assertEquals(null, leaf, ctx("raw walk finds nothing at " + where));
                return;
            }
            assertEquals(expectedBits(r.flags()), q.orElseThrow().flags().bits(), ctx("query flags at " + where));
            assertEquals(expect, leaf.hpa() + (gpa - leaf.gpa()), ctx("raw walk address at " + where));
            assertEquals(expectedBits(r.flags()), leaf.flags(), ctx("raw walk flags at " + where));
        }

        void fullCheck() {
            RawTableDecoder.Scan scan = raw.scan(space.pageTableRoot().value());
            assertEquals(model.presentBytes(), scan.mappedBytes(), ctx("mapped bytes: model vs raw tables"));
            for (RawTableDecoder.Leaf leaf : scan.leaves()) {
                for (long gpa = leaf.gpa(); gpa < leaf.gpa() + leaf.size(); ) {
                    Run r = model.at(gpa);
                    assertTrue(r != null && r.present(), ctx("raw leaf at GPA 0x" + Long.toHexString(gpa) + " not in the model"));
                    assertEquals(r.translate(gpa), leaf.hpa() + (gpa - leaf.gpa()), ctx("raw leaf address at 0x" + Long.toHexString(gpa)));
                    assertEquals(expectedBits(r.flags()), leaf.flags(), ctx("raw leaf flags at 0x" + Long.toHexString(gpa)));
                    gpa = Math.min(r.end(), leaf.gpa() + leaf.size());
                }
            }
            List<PageMapping> listed = space.query(GuestPhysAddr.of(0), SPACE);
            assertEquals(scan.leaves().size(), listed.size(), ctx("range query vs raw scan: leaf count"));
            for (int i = 0; i < listed.size(); i++) {
                RawTableDecoder.Leaf leaf = scan.leaves().get(i);
                PageMapping m = listed.get(i);
                assertTrue(m.gpa().value() == leaf.gpa() && m.size().bytes() == leaf.size() && m.hpa().value() == leaf.hpa()
                        && m.flags().bits() == leaf.flags(), ctx("range query " + m + " vs raw " + leaf));
            }
            assertEquals(scan.tables(), space.pageTableFrames(), ctx("table frames: raw scan vs pageTableFrames()"));
            long blockFrames = blocks.values().stream().mapToLong(b -> b.frames).sum();
            assertEquals(blockFrames + balloon.size() + allocFrames.size() + scan.tables(), handler.liveFrames(),
                    ctx("live frames = test blocks + balloon + allocated pages + tables"));
            checkAreas();
        }

        /** areas() covers exactly the model's runs, with the same kinds and flags. */
        void checkAreas() {
            List<MemoryArea> areas = space.areas();
            long areaBytes = areas.stream().mapToLong(MemoryArea::size).sum();
            long modelBytes = model.runs().stream().mapToLong(r -> r.end() - r.start()).sum();
            assertEquals(modelBytes, areaBytes, ctx("bytes covered by areas()"));
            for (Run r : model.runs()) {
                MemoryArea a = areas.stream().filter(x -> x.start().value() <= r.start() && r.end() <= x.end()).findFirst()
                        .orElseThrow(() -> new AssertionError(ctx("no area covers " + r).get()));
                assertEquals(r.flags(), a.flags(), ctx("area flags for " + r));
                boolean linear = a.backend() instanceof AreaBackend.Linear;
                assertEquals(r.kind() == Kind.LINEAR_RAM || r.kind() == Kind.LINEAR_DEVICE, linear, ctx("area kind for " + r));
                if (a.backend() instanceof AreaBackend.Linear l) {
                    assertEquals(r.hpa() - (r.start() - a.start().value()), l.hostStart().value(),
                            ctx("linear area host start for " + r));
                    assertEquals(r.kind() == Kind.LINEAR_RAM, l.hostMemory().isPresent(), ctx("host segment for " + r));
                } else if (a.backend() instanceof AreaBackend.Alloc al) {
                    assertEquals(r.kind() == Kind.ALLOC, al.populate(), ctx("populate for " + r));
                }
            }
        }
    }
}
