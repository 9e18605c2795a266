package dev.wirelab.sim;

import dev.wirelab.engine.DeterministicEntropy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What an {@link Attacker} recorded on one link, and the replays it schedules from it: a chosen
 * datagram (the n-th of a message type), random ones or all of them, re-injected at a chosen time from the
 * attacker's own address or from the original source. A replay keeps the original destination and
 * bytes; it is a new datagram whose {@code copyOf} names the original. Records "attack.replay"
 * (with copyOf and type), or "attack.replay-missed" when nothing recorded matches at that time.
 */
public final class Replay {
    /** The most datagrams one recording keeps; later ones are counted, not kept. */
    public static final int RECORDED_DATAGRAMS_MAX = 100_000;

    private final Attacker attacker;
    private final String linkName;
    private final DeterministicEntropy random;
    private final List<Datagram> recorded = new ArrayList<>();
    private long notKept;

    Replay(Attacker attacker, String linkName, DeterministicEntropy random) {
        this.attacker = attacker;
        this.linkName = linkName;
        this.random = random;
    }

    /** The tap: remembers the datagram, passes it on untouched. */
    Datagram observe(Datagram d) {
        if (recorded.size() < RECORDED_DATAGRAMS_MAX) {
            recorded.add(d);
        } else {
            notKept++;
        }
        return d;
    }

    /** Everything recorded so far, in the order it crossed the link. */
    public List<Datagram> recorded() {
        return Collections.unmodifiableList(recorded);
    }

    /** Datagrams seen after the recording was full. */
    public long notKept() {
        return notKept;
    }

    /**
     * At {@code atNanos}, re-injects the {@code index}-th datagram (from 0) recorded so far whose
     * message type (first byte) is {@code messageType}.
     */
    public void replay(long atNanos, int messageType, int index, Attacker.Source source) {
        attacker.events().at(atNanos, () -> {
            int seen = 0;
            for (Datagram d : recorded) {
                if (d.payload().length() > 0 && (d.payload().get(0) & 0xff) == messageType && seen++ == index) {
                    reinject(d, source);
                    return;
                }
            }
            missed("no datagram of type " + messageType + " at index " + index);
        });
    }

    /** At {@code atNanos}, re-injects {@code count} datagrams drawn uniformly (with repetition) from all recorded so far. */
    public void replayRandom(long atNanos, int count, Attacker.Source source) {
        attacker.events().at(atNanos, () -> {
            if (recorded.isEmpty()) {
                missed("nothing recorded");
                return;
            }
            for (int i = 0; i < count; i++) {
                reinject(recorded.get((int) random.nextLong(recorded.size())), source);
            }
        });
    }

    /**
     * At {@code atNanos}, re-injects every datagram recorded so far, in the order they were recorded
     * ({@code messageType} 0: of any type; otherwise only that type).
     */
    public void replayAll(long atNanos, int messageType, Attacker.Source source) {
        attacker.events().at(atNanos, () -> {
            int sent = 0;
            for (Datagram d : List.copyOf(recorded)) {
                if (messageType == 0 || d.payload().length() > 0 && (d.payload().get(0) & 0xff) == messageType) {
                    reinject(d, source);
                    sent++;
                }
            }
            if (sent == 0) {
                missed(messageType == 0 ? "nothing recorded" : "no datagram of type " + messageType);
            }
        });
    }

    private void reinject(Datagram original, Attacker.Source source) {
        attacker.inject("replay", source == Attacker.Source.OWN ? attacker.endpoint() : original.source(), original.destination(),
                original.payload(), original.id(), "copyOf", original.id(), "type",
                original.payload().length() == 0 ? -1 : original.payload().get(0) & 0xff, "from", linkName);
    }

    private void missed(String why) {
        attacker.trace().record(attacker.name(), "attack.replay-missed", "from", linkName, "why", why);
    }
}
