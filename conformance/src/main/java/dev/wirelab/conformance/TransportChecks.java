package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.sim.Icmp;
import java.time.Duration;
import java.util.List;

/** Transport data itself: padding (whitepaper §5.4.6) up to the MTU, and what `wg show transfer` counts. */
final class TransportChecks {
    private TransportChecks() {}

    static Check.Outcome padding(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        long t0 = lab.harness.now();
        int replies = 0;
        // ICMP payloads of 1 to 16 bytes: inner packets of 29 to 44 bytes, every remainder mod 16.
        for (int payload = 1; payload <= 16; payload++) {
            int sequence = 200 + payload;
            lab.harness.sendInner(Icmp.echoRequest(Lab.HARNESS_TUNNEL_BYTES, Lab.TARGET_TUNNEL_BYTES, 0x574c, sequence, payload));
            replies += lab.harness.awaitEchoReply(sequence, Duration.ofSeconds(2)) ? 1 : 0;
        }
        List<Integer> lengths = lab.harness.receivedSince(t0).stream()
                .filter(d -> d.type() == TYPE_DATA && d.bytes().length > 32).map(d -> d.bytes().length).toList();
        List<Integer> unpadded = lengths.stream().filter(n -> (n - 32) % 16 != 0).toList();
        return expect(replies == 16 && unpadded.isEmpty() && !lengths.isEmpty(),
                replies + "/16 echo replies; datagram lengths " + lengths.stream().distinct().sorted().toList(),
                "every transport datagram must be 32 bytes of header and tag plus plaintext padded to a multiple of 16"
                        + (unpadded.isEmpty() ? "" : "; not padded: " + unpadded));
    }

    static Check.Outcome transferExact(Lab lab) throws Exception {
        int replies = 0;
        for (int seq = 1; seq <= 5; seq++) {
            replies += lab.harnessPings(seq) ? 1 : 0;
        }
        Thread.sleep(300); // nothing in flight when the counters are read
        long[] counted = lab.targetTransfer();
        long sent = lab.harness.sent().stream().filter(d -> d.peer().equals(Lab.TARGET_ENDPOINT))
                .mapToLong(d -> d.bytes().length).sum();
        long received = lab.harness.received().stream().filter(d -> d.peer().equals(Lab.TARGET_ENDPOINT))
                .mapToLong(d -> d.bytes().length).sum();
        return expect(replies == 5 && counted[0] == sent && counted[1] == received,
                "target counts rx " + counted[0] + " B, tx " + counted[1] + " B; the harness sent it " + sent
                        + " B and received " + received + " B (UDP payloads)",
                "`wg show transfer` must count every datagram of the peer, handshakes included, as its UDP payload");
    }

    /** An MTU that is not a multiple of 16, so that padding to 16 would pass it. */
    private static final int MTU = 1380;

    static Check.Outcome paddingCappedAtMtu(Lab lab) throws Exception {
        lab.target.ip("link", "set", "dev", lab.target.ifname(), "mtu", Integer.toString(MTU));
        Thread.sleep(1500); // a userspace target learns the new MTU from the kernel: give it a moment
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        // An echo request of MTU - 2 bytes; its reply, as long, pads to 16 only up to the MTU (whitepaper
        // §5.4.6, kernel calculate_skb_padding): MTU bytes of plaintext, 32 + MTU on the wire.
        int inner = MTU - 2;
        long t0 = lab.harness.now();
        lab.harness.sendInner(Icmp.echoRequest(Lab.HARNESS_TUNNEL_BYTES, Lab.TARGET_TUNNEL_BYTES, 0x574c, 300, inner - 28));
        boolean reply = lab.harness.awaitEchoReply(300, Duration.ofSeconds(3));
        int longest = lab.harness.receivedSince(t0).stream().filter(d -> d.type() == TYPE_DATA)
                .mapToInt(d -> d.bytes().length).max().orElse(0);
        return expect(reply && longest == 32 + MTU, "MTU " + MTU + ", a reply of " + inner + " B: echo reply "
                        + (reply ? "delivered" : "MISSING") + ", its datagram " + longest + " B",
                "padding stops at the MTU: expected a " + (32 + MTU) + " B datagram (" + inner + " B padded to " + MTU
                        + ", not " + ((inner + 15) / 16 * 16) + ")");
    }
}
