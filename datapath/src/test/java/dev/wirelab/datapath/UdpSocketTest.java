package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batched UDP paths on loopback, against the kernel: sendAll's sendmmsg with UDP GSO runs, and
 * recvmmsg with UDP GRO. Every datagram must arrive whole, with its own boundaries, in order per
 * destination.
 */
class UdpSocketTest {
    private static final Bytes LOOPBACK = Bytes.wrap(new byte[] {127, 0, 0, 1});

    @Test
    void runsOfEqualDatagramsGoOutAsGsoSendsAndArriveOneByOne() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        try (UdpSocket sender = UdpSocket.bind(0, 0);
                UdpSocket a = UdpSocket.bind(0, 0);
                UdpSocket b = UdpSocket.bind(0, 0);
                IoScratch io = new IoScratch()) {
            List<Endpoint> to = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            Endpoint toA = new Endpoint(LOOPBACK, a.port());
            Endpoint toB = new Endpoint(LOOPBACK, b.port());
            // Mostly runs as a TUN super-packet makes them (1,452-byte datagrams, the last shorter), to
            // one endpoint or interleaved with another, plus odd sizes and an oversized one.
            for (int run = 0; run < 12; run++) {
                Endpoint where = random.nextBoolean() ? toA : toB;
                int size = random.nextInt(4) == 0 ? 1 + random.nextInt(1500) : 1452;
                int segments = 1 + random.nextInt(70);
                for (int i = 0; i < segments; i++) {
                    boolean last = i == segments - 1;
                    int length = last && random.nextBoolean() ? 1 + random.nextInt(size) : size;
                    Endpoint dest = random.nextInt(20) == 0 ? (where == toA ? toB : toA) : where;
                    byte[] d = new byte[length];
                    random.nextBytes(d);
                    to.add(dest);
                    data.add(d);
                }
                if (random.nextInt(6) == 0) {
                    to.add(where);
                    data.add(new byte[IoScratch.SLOT_BYTES + 100]); // larger than a slot: sent alone, in order
                }
            }

            int joinedEntries = 0;
            int taken = sender.sendAll(to, data, data.size(), io);

            assertEquals(data.size(), taken, "datagrams the kernel took");
            assertTrue(sender.gso(), "loopback takes UDP GSO: the runs went out as GSO sends");
            for (UdpSocket receiver : List.of(a, b)) {
                Endpoint self = receiver == a ? toA : toB;
                List<byte[]> expected = new ArrayList<>();
                for (int i = 0; i < data.size(); i++) {
                    if (to.get(i).equals(self)) {
                        expected.add(data.get(i));
                    }
                }
                List<byte[]> got = new ArrayList<>();
                byte[] buffer = new byte[UdpSocket.RECEIVE_SLOT_BYTES];
                while (got.size() < expected.size()) {
                    int n = receiver.receive(2000);
                    assertTrue(n > 0, "datagrams missing: " + got.size() + " of " + expected.size());
                    for (int i = 0; i < n; i++) {
                        receiver.copy(i, buffer, 0);
                        int length = receiver.length(i);
                        int size = receiver.segmentSize(i);
                        if (size > 0 && size < length) {
                            joinedEntries++; // UDP GRO gave a GSO run back as one entry: cut it as the device does.
                            for (int off = 0; off < length; off += size) {
                                got.add(Arrays.copyOfRange(buffer, off, Math.min(length, off + size)));
                            }
                        } else {
                            got.add(Arrays.copyOf(buffer, length));
                        }
                        assertEquals(sender.port(), receiver.source(i).port(), "source port");
                    }
                }
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i), got.get(i), "datagram " + i + " to port " + self.port());
                }
            }
            assertTrue(joinedEntries > 0, "loopback gives UDP GRO sockets whole GSO runs: none came joined");
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ": " + t, t);
        }
    }
}
