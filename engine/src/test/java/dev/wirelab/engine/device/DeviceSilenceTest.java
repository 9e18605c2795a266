package dev.wirelab.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.message.MessageCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Silence toward everything that does not authenticate: random and mutated datagrams from random
 * sources get no answer, deliver nothing, move no endpoint, and leave the session working.
 */
class DeviceSilenceTest {
    private static final long SEED = Long.getLong("wirelab.seed", 0x51_1e_9c_e5L);

    @Test
    void randomAndMutatedDatagramsAreDroppedInSilence() {
        DevicePair p = new DevicePair(60);
        p.sendFromA(40);
        List<Bytes> genuine = p.peekInFlight(true);
        p.deliverAll();
        p.sendFromA(40);
        genuine = new java.util.ArrayList<>(genuine);
        genuine.addAll(p.peekInFlight(true));
        p.deliverAll();
        int sent = p.outB.sent().size();
        int delivered = p.outB.delivered().size();
        long rx = p.b.peer(p.keyA).rxBytes();
        Endpoint endpointOfA = p.b.peer(p.keyA).endpoint();
        int receiver = MessageCodec.readInt(genuine.get(genuine.size() - 1).toByteArray(), 4);

        DeterministicEntropy e = new DeterministicEntropy(SEED);
        int rounds = 50_000;
        for (int round = 0; round < rounds; round++) {
            byte[] d;
            int kind = (int) e.nextLong(4);
            if (kind == 0) {
                d = new byte[(int) e.nextLong(200)];
                e.nextBytes(d);
            } else if (kind == 1) {
                // A genuine message with a few bytes flipped: must fail authentication somewhere.
                d = genuine.get((int) e.nextLong(genuine.size())).toByteArray();
                int flips = 1 + (int) e.nextLong(3);
                for (int f = 0; f < flips; f++) {
                    d[(int) e.nextLong(d.length)] ^= (byte) (1 + e.nextLong(255));
                }
            } else {
                // Plausible headers, random bodies, sometimes our real receiver index.
                int[] lengths = {32, 48, 64, 92, 148, 160};
                d = new byte[lengths[(int) e.nextLong(lengths.length)]];
                e.nextBytes(d);
                d[0] = (byte) (1 + e.nextLong(4));
                d[1] = d[2] = d[3] = 0;
                if (kind == 3 && d.length >= 8) {
                    MessageCodec.writeInt(d, d[0] == 1 ? 4 : d[0] == 2 ? 8 : 4, receiver);
                }
            }
            byte[] address = new byte[4];
            e.nextBytes(address);
            Endpoint from = new Endpoint(Bytes.wrap(address), (int) e.nextLong(65536));
            try {
                p.b.onDatagram(p.now(), from, d, 0, d.length, p.outB);
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + SEED + " round " + round + ": threw on " + Bytes.of(d), ex);
            }
            String where = "seed " + SEED + " round " + round + " input " + Bytes.of(d);
            assertEquals(sent, p.outB.sent().size(), "answered: " + where);
            assertEquals(delivered, p.outB.delivered().size(), "delivered: " + where);
            assertEquals(endpointOfA, p.b.peer(p.keyA).endpoint(), "endpoint moved: " + where);
            assertEquals(rx, p.b.peer(p.keyA).rxBytes(), "counted: " + where);
        }
        assertEquals(rounds, p.outB.dropped().size(), "every input dropped with a reason");
        // The session still works.
        p.sendFromA(40);
        p.deliverAll();
        assertEquals(delivered + 1, p.outB.delivered().size());
    }
}
