package dev.wirelab.engine.cookie;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Protocol;
import java.util.HashMap;

/**
 * The kernel's handshake rate limiter (drivers/net/wireguard/ratelimiter.c), also wireguard-go's:
 * one token bucket per source, 20 packets a second with a burst of 5. The port is ignored; an IPv4
 * source is its address, an IPv6 source its /64, because anyone holding a /64 can pick any of its
 * 2^64 addresses.
 *
 * <p>Tokens are nanoseconds of credit, in integers exactly as the kernel counts them: a packet
 * costs {@link #PACKET_COST_NANOS}, the bucket holds at most {@link #TOKEN_MAX_NANOS}, and every
 * nanosecond that passes adds one. A new source starts with a full bucket minus the packet that
 * created it. So a source gets 5 packets at once, then one every 50 ms.
 *
 * <p>The table is bounded by {@code maxEntries} (default {@link #MAX_ENTRIES}, the kernel's bound on
 * a machine with more than 1 GiB of RAM), IPv4 and IPv6 sources together. When it is full a new
 * source is refused, as in the kernel, while known sources keep their buckets: an attacker who
 * fills the table with spoofed sources cannot take away the budget of sources already in it, and
 * entries idle for more than {@link #IDLE_MAX_NANOS} are collected once {@link #GC_INTERVAL_NANOS}
 * has passed since the last collection. The kernel collects from a work item every second; here the
 * collection runs lazily at the start of a call, driven by the caller's time. Collection never
 * changes an answer: an entry idle for a second would have refilled to a full bucket anyway.
 *
 * <p>Differences from the references, all deliberate:
 * <ul>
 *   <li>wireguard-go allows only while tokens {@code >} the cost and keys IPv6 by the whole address;
 *       this class follows the kernel ({@code >=}, /64). With wireguard-go's {@code >} a burst at
 *       one instant is 4, not 5; its test advances its fake clock 1 ns per call to hide that.
 *   <li>The kernel hashes with a secret siphash key against chosen collisions; a HashMap keyed by
 *       Long degrades to a tree on collisions instead, O(log n) per lookup in the worst case.
 *   <li>Time that runs backwards (it should not: the input is monotonic) refills nothing, where the
 *       kernel's unsigned subtraction would fill the bucket.
 * </ul>
 * Not thread-safe.
 */
public final class TokenBucketRateLimiter implements RateLimiter {
    public static final int PACKETS_PER_SECOND = 20;
    public static final int PACKETS_BURSTABLE = 5;
    public static final long PACKET_COST_NANOS = Protocol.SECOND_NANOS / PACKETS_PER_SECOND;
    public static final long TOKEN_MAX_NANOS = PACKET_COST_NANOS * PACKETS_BURSTABLE;
    /** How often idle entries are looked for (kernel: the gc work item, every HZ). */
    public static final long GC_INTERVAL_NANOS = Protocol.SECOND_NANOS;
    /** An entry unused for longer than this is collected (kernel: {@code > NSEC_PER_SEC}). */
    public static final long IDLE_MAX_NANOS = Protocol.SECOND_NANOS;
    /** Kernel: table_size * 8 with table_size 8192 on machines with more than 1 GiB of RAM. */
    public static final int MAX_ENTRIES = 8192 * 8;

    private static final class Entry {
        long lastMonoNanos;
        long tokensNanos;

        Entry(long lastMonoNanos, long tokensNanos) {
            this.lastMonoNanos = lastMonoNanos;
            this.tokensNanos = tokensNanos;
        }
    }

    private final int maxEntries;
    // Two tables as in the kernel, so an IPv4 address and an IPv6 /64 never share a key.
    private final HashMap<Long, Entry> v4 = new HashMap<>();
    private final HashMap<Long, Entry> v6 = new HashMap<>();
    private long lastGcMonoNanos;
    private boolean gcStarted;

    public TokenBucketRateLimiter() {
        this(MAX_ENTRIES);
    }

    /** A limiter that tracks at most {@code maxEntries} sources at once. */
    public TokenBucketRateLimiter(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    @Override
    public boolean allow(Endpoint source, long monoNanos) {
        collectGarbageIfDue(monoNanos);
        HashMap<Long, Entry> table = source.address().length() == 4 ? v4 : v6;
        Long key = key(source);
        Entry entry = table.get(key);
        if (entry != null) {
            long elapsed = monoNanos - entry.lastMonoNanos;
            if (elapsed > 0) {
                // min(TOKEN_MAX, tokens + elapsed) without overflowing on a long idle time.
                entry.tokensNanos = elapsed >= TOKEN_MAX_NANOS - entry.tokensNanos
                        ? TOKEN_MAX_NANOS
                        : entry.tokensNanos + elapsed;
                entry.lastMonoNanos = monoNanos;
            }
            if (entry.tokensNanos >= PACKET_COST_NANOS) {
                entry.tokensNanos -= PACKET_COST_NANOS;
                return true;
            }
            return false;
        }
        if (size() >= maxEntries) {
            return false;
        }
        table.put(key, new Entry(monoNanos, TOKEN_MAX_NANOS - PACKET_COST_NANOS));
        return true;
    }

    /** How many sources the table tracks now (collection happens only during {@link #allow}). */
    public int size() {
        return v4.size() + v6.size();
    }

    private void collectGarbageIfDue(long monoNanos) {
        if (!gcStarted) {
            gcStarted = true;
            lastGcMonoNanos = monoNanos;
            return;
        }
        if (monoNanos - lastGcMonoNanos < GC_INTERVAL_NANOS) {
            return;
        }
        lastGcMonoNanos = monoNanos;
        v4.values().removeIf(e -> monoNanos - e.lastMonoNanos > IDLE_MAX_NANOS);
        v6.values().removeIf(e -> monoNanos - e.lastMonoNanos > IDLE_MAX_NANOS);
    }

    /** IPv4: the 32-bit address. IPv6: the first 64 bits, the /64. Big-endian, as on the wire. */
    private static Long key(Endpoint source) {
        int bytes = source.address().length() == 4 ? 4 : 8;
        long key = 0;
        for (int i = 0; i < bytes; i++) {
            key = key << 8 | (source.address().get(i) & 0xff);
        }
        return key;
    }
}
