package dev.wirelab.bench;

import dev.wirelab.engine.allowedips.AllowedIps;
import dev.wirelab.engine.allowedips.Prefix;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Longest-prefix lookup in the engine's AllowedIPs trie: the per-packet routing cost (outbound by
 * destination, inbound by source), in ns per lookup.
 *
 * <p>A table of exactly {@code prefixes} distinct random prefixes (address uniform, cidr uniform
 * in 1..32 or 1..128, as the kernel's random selftest and wireguard-go's benchmark draw them), owned
 * by 1,000 peers. Each operation looks up the next of 2^16 random addresses, so successive lookups
 * take unrelated paths and the caches hold only what 2^16 paths share: a harder case than real
 * traffic, where a few flows repeat the same paths.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AllowedIpsBench {
    static final int PEERS = 1_000;
    static final int ADDRESSES = 1 << 16;
    private static final long SEED = 0xa11_0ed_1b5L;

    @State(Scope.Thread)
    public static class Ipv4Table {
        @Param({"1000", "100000", "1000000"})
        public int prefixes;

        AllowedIps<Object> table;
        final int[] addresses = new int[ADDRESSES];
        int next;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(SEED);
            table = fill(random, prefixes, 4);
            for (int i = 0; i < ADDRESSES; i++) {
                addresses[i] = random.nextInt();
            }
        }
    }

    @State(Scope.Thread)
    public static class Ipv6Table {
        @Param({"1000", "100000", "1000000"})
        public int prefixes;

        AllowedIps<Object> table;
        final long[] addresses = new long[2 * ADDRESSES];
        int next;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(SEED);
            table = fill(random, prefixes, 16);
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = random.nextLong();
            }
        }
    }

    /** A table holding exactly {@code prefixes} distinct random prefixes of one family. */
    static AllowedIps<Object> fill(SplittableRandom random, int prefixes, int addressLength) {
        Object[] peers = new Object[PEERS];
        for (int i = 0; i < PEERS; i++) {
            peers[i] = new Object();
        }
        AllowedIps<Object> table = new AllowedIps<>(prefixes);
        byte[] address = new byte[addressLength];
        while (table.size() < prefixes) {
            random.nextBytes(address);
            Prefix prefix = Prefix.of(address, 1 + random.nextInt(addressLength * 8));
            // Short prefixes come up again and again; moving them would only slow the setup (each
            // move of a /c rewrites 2^(16 - c) jump entries) and change nothing measured.
            if (table.owner(prefix) == null) {
                table.insert(prefix, peers[random.nextInt(PEERS)]);
            }
        }
        return table;
    }

    @Benchmark
    public Object lookupIpv4(Ipv4Table s) {
        int i = s.next;
        s.next = (i + 1) & (ADDRESSES - 1);
        return s.table.lookupIpv4(s.addresses[i]);
    }

    @Benchmark
    public Object lookupIpv6(Ipv6Table s) {
        int i = s.next;
        s.next = (i + 1) & (ADDRESSES - 1);
        return s.table.lookupIpv6(s.addresses[2 * i], s.addresses[2 * i + 1]);
    }
}
