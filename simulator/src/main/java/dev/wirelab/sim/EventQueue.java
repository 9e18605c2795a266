package dev.wirelab.sim;

import java.util.PriorityQueue;

/**
 * The simulation's single source of order: events run by (virtual time, sequence number), so two
 * events at the same instant run in the order they were scheduled, on every machine.
 */
public final class EventQueue {
    private record Event(long time, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
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
        queue.add(new Event(time, sequence++, action));
    }

    public void after(long delay, Runnable action) {
        at(now + delay, action);
    }

    /** Runs events in order until none is left at or before {@code until}; time ends at {@code until}. */
    public void runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().time() <= until) {
            Event e = queue.poll();
            now = e.time();
            executed++;
            e.action().run();
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
        return queue.size();
    }
}
