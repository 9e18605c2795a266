package dev.wirelab.sim;

import java.util.Arrays;

/**
 * The simulation's single source of order: events run by (virtual time, sequence number), so two
 * events at the same instant run in the order they were scheduled, on every machine.
 *
 * <p>A binary min-heap over arrays rather than a {@code PriorityQueue} of event objects:
 * the simulator schedules several events per packet, and an object plus a comparator call per
 * sift step showed in its profile. Each event's time and sequence sit side by side in one array,
 * so a comparison reads one cache line. The order is the same total order, so runs are unchanged
 * ({@code EventQueueTest} checks it against a {@code PriorityQueue}).
 */
public final class EventQueue {
    /** Event i's time at [2i], its sequence number at [2i + 1]. */
    private long[] keys = new long[128];
    private Runnable[] actions = new Runnable[64];
    private int size;
    private long sequence;
    private long now;
    private long executed;
    private long datagramIds;

    /** The current virtual time in nanoseconds since the start of the simulation. */
    public long now() {
        return now;
    }

    /** Runs {@code action} at {@code time} (not before now). */
    public void at(long time, Runnable action) {
        if (time < now) {
            throw new IllegalArgumentException("cannot schedule in the past: " + time + " < " + now);
        }
        if (size == actions.length) {
            keys = Arrays.copyOf(keys, 4 * size);
            actions = Arrays.copyOf(actions, 2 * size);
        }
        long seq = sequence++;
        // Sift up: move parents down until the new event's place is found.
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, seq, keys[2 * parent], keys[2 * parent + 1])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        put(i, time, seq, action);
    }

    public void after(long delay, Runnable action) {
        at(now + delay, action);
    }

    /** Runs events in order until none is left at or before {@code until}; time ends at {@code until}. */
    public void runUntil(long until) {
        while (size > 0 && keys[0] <= until) {
            now = keys[0];
            Runnable action = actions[0];
            removeFirst();
            executed++;
            action.run();
        }
        now = Math.max(now, until);
    }

    /** How many events have run: the simulator's unit of work for benchmarks. */
    public long executed() {
        return executed;
    }

    /** A fresh datagram id, unique in this simulation (1, 2, 3, ...): per run, so traces repeat. */
    public long nextDatagramId() {
        return ++datagramIds;
    }

    public int pending() {
        return size;
    }

    private static boolean before(long time, long seq, long otherTime, long otherSeq) {
        return time < otherTime || time == otherTime && seq < otherSeq;
    }

    private void move(int from, int to) {
        keys[2 * to] = keys[2 * from];
        keys[2 * to + 1] = keys[2 * from + 1];
        actions[to] = actions[from];
    }

    private void put(int i, long time, long seq, Runnable action) {
        keys[2 * i] = time;
        keys[2 * i + 1] = seq;
        actions[i] = action;
    }

    /** Takes the root out: the last event sifts down from the top. */
    private void removeFirst() {
        int last = --size;
        long time = keys[2 * last];
        long seq = keys[2 * last + 1];
        Runnable action = actions[last];
        actions[last] = null;
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < last && before(keys[2 * right], keys[2 * right + 1], keys[2 * child], keys[2 * child + 1])) {
                child = right;
            }
            if (!before(keys[2 * child], keys[2 * child + 1], time, seq)) {
                break;
            }
            move(child, i);
            i = child;
        }
        if (last > 0) {
            put(i, time, seq, action);
        }
    }
}
