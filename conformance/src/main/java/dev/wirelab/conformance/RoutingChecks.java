package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.differs;
import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Check.Outcome.pass;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.sim.Icmp;
import java.util.List;

/** Cryptokey routing: the inner source filter, longest prefixes across peers, no peer at all, IPv6 inside; low-order keys. */
final class RoutingChecks {
    private RoutingChecks() {}

    static Check.Outcome innerSourceFilter(Lab lab) throws Exception {
        // A second peer owns 198.51.100.77 (netns.sh does the same): a target that delivers the spoofed
        // packet answers it, and that echo reply routes to the second peer, whose endpoint is a harness
        // port. Without it the reply would have no route and be dropped on output, filter or not.
        addWitness(lab, "198.51.100.77/32");
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        byte[] outside = {(byte) 198, 51, 100, 77};
        int before = lab.harness.delivered().size();
        long t0 = lab.harness.now();
        lab.harness.sendInner(Icmp.echoRequest(outside, Lab.TARGET_TUNNEL_BYTES, 0x574c, 99, 16));
        Thread.sleep(QUIET.toMillis());
        List<Datagram> answers = lab.harness.receivedSince(t0);
        boolean control = lab.harnessPings(100);
        return expect(answers.isEmpty() && control && lab.harness.delivered().size() > before,
                "from 198.51.100.77 (owned by a second peer): " + answers.size() + " datagram(s) back " + types(answers)
                        + "; from " + Lab.HARNESS_TUNNEL + ": reply " + yes(control),
                "a packet from outside the sender's AllowedIPs must be dropped, not answered toward the peer that owns"
                        + " its source");
    }

    static Check.Outcome lowOrderPeerKey(Lab lab) throws Exception {
        // A point of order 8 on Curve25519 (RFC 7748 §6.1 lists such inputs): its DH with any key is zero.
        String lowOrder = java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of()
                .parseHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"));
        try {
            lab.target.wg("set", lab.target.ifname(), "peer", lowOrder, "allowed-ips", "198.51.100.99/32",
                    "endpoint", Lab.HARNESS_UNDERLAY + ":" + Lab.HARNESS_PORT);
        } catch (java.io.IOException refused) {
            return pass("`wg set` refused the key: " + refused.getMessage());
        }
        long t0 = lab.harness.now();
        lab.target.ping("198.51.100.99", 3);
        List<Datagram> sent = lab.harness.receivedSince(t0);
        return expect(sent.isEmpty(), sent.size() + " datagram(s) toward the low-order peer",
                "the target sent to a peer whose key has low order: " + types(sent));
    }

    static Check.Outcome prefixMovesBetweenPeers(Lab lab) throws Exception {
        // A second peer takes 198.51.100.1/32, the harness's address: `wg set` moves it (as the kernel's
        // allowedips.c and wireguard-go's AllowedIPs.Insert do), so the target now routes it there.
        String witness = addWitness(lab, Lab.HARNESS_TUNNEL + "/32");
        String allowed = lab.target.wg("show", lab.target.ifname(), "allowed-ips");
        long t0 = lab.harness.now();
        lab.target.ping(Lab.HARNESS_TUNNEL, 1);
        List<Datagram> sent = lab.harness.receivedSince(t0);
        long toWitness = sent.stream().filter(d -> d.localPort() == WITNESS_PORT).count();
        long toHarness = sent.stream().filter(d -> d.localPort() == Lab.HARNESS_PORT).count();
        boolean listed = allowed.lines().anyMatch(l -> l.startsWith(witness) && l.contains(Lab.HARNESS_TUNNEL + "/32"))
                && allowed.lines().noneMatch(l -> l.startsWith(lab.harness.publicKey().base64()) && l.contains(Lab.HARNESS_TUNNEL + "/32"));
        return expect(listed && toWitness > 0 && toHarness == 0,
                "after moving " + Lab.HARNESS_TUNNEL + "/32 to a second peer: " + toWitness + " datagram(s) to it, " + toHarness
                        + " to the first; `wg show allowed-ips` " + (listed ? "lists it under the second only" : "does NOT list it so"),
                "a prefix set on another peer moves to that peer, in routing and in `wg show`");
    }

    static Check.Outcome latestHandshake(Lab lab) throws Exception {
        long before = Math.floorDiv(wallNow(), 1_000_000_000L);
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        long after = Math.floorDiv(wallNow(), 1_000_000_000L);
        String shown = lab.targetShows("latest-handshakes");
        long at = shown == null ? 0 : Long.parseLong(shown);
        // The target's clock and ours agree within a few seconds (the kernel target's VM read the host's at
        // boot, and was 1 s behind once); a target that did not record the handshake says 0.
        return expect(at >= before - CLOCK_SLACK_S && at <= after + CLOCK_SLACK_S, "latest handshake " + at + " (Unix seconds); the harness's"
                        + " clock around it " + before + " to " + after,
                "`wg show latest-handshakes` must give the time of the handshake just made (within " + CLOCK_SLACK_S + " s)");
    }

    static Check.Outcome longestPrefixAcrossPeers(Lab lab) throws Exception {
        // The harness keeps 198.51.100.1/32; a second peer takes the /24 around it. Each destination goes
        // to the peer of the longest prefix holding it (whitepaper §2), whichever was set first.
        addWitness(lab, "198.51.100.0/24");
        long t0 = lab.harness.now();
        int replies = lab.target.ping(Lab.HARNESS_TUNNEL, 1);
        long t1 = lab.harness.now();
        lab.target.ping("198.51.100.9", 1);
        List<Datagram> first = lab.harness.receivedSince(t0).stream().filter(d -> d.monoNanos() < t1).toList();
        List<Datagram> second = lab.harness.receivedSince(t1);
        long firstToWitness = first.stream().filter(d -> d.localPort() == WITNESS_PORT).count();
        long secondToWitness = second.stream().filter(d -> d.localPort() == WITNESS_PORT).count();
        long secondToHarness = second.stream().filter(d -> d.localPort() == Lab.HARNESS_PORT && d.bytes().length > 32).count();
        return expect(replies == 1 && firstToWitness == 0 && secondToWitness > 0 && secondToHarness == 0,
                Lab.HARNESS_TUNNEL + " (/32 on the harness): ping " + (replies == 1 ? "answered" : "NOT answered") + ", "
                        + firstToWitness + " datagram(s) to the /24 peer; 198.51.100.9 (/24 only): " + secondToWitness
                        + " to the /24 peer, " + secondToHarness + " to the harness",
                "each destination must go to the peer of the longest prefix that holds it");
    }

    static Check.Outcome noPeerForDestination(Lab lab) throws Exception {
        long before = destinationUnreachableSent(lab);
        long t0 = lab.harness.now();
        int replies = 0;
        String refused = null;
        try {
            replies = lab.target.ping(NOBODYS_ADDRESS, 1);
        } catch (java.io.IOException e) {
            // The kernel fails the send itself with ENOKEY; busybox ping then stops without a summary.
            refused = e.getMessage().lines().filter(l -> l.contains("sendto")).findFirst().orElse(null);
            if (refused == null) {
                throw e;
            }
        }
        Thread.sleep(300);
        List<Datagram> sent = lab.harness.receivedSince(t0);
        long icmp = destinationUnreachableSent(lab) - before;
        if (!sent.isEmpty() || replies != 0) {
            return fail(sent.size() + " datagram(s) to the harness " + types(sent) + ", " + replies + " ping reply",
                    "a packet for " + NOBODYS_ADDRESS + ", in no peer's AllowedIPs, must go to no peer");
        }
        String told = (icmp > 0 ? "ICMP destination unreachable sent back (Icmp OutDestUnreachs +" + icmp + ")" : "no ICMP sent")
                + (refused == null ? "" : ", the send failed: " + refused.strip());
        if (icmp == 0 && refused == null) {
            return differs("no-peer-silent", "dropped in silence: " + told, "the kernel tells the sender (ICMP host"
                    + " unreachable, ENOKEY on the send)");
        }
        return pass("dropped, nothing to any peer; " + told);
    }

    /** In the target's tunnel subnet, in no peer's AllowedIPs. */
    private static final String NOBODYS_ADDRESS = "198.51.100.50";

    /** Icmp OutDestUnreachs of /proc/net/snmp where the target lives: the ICMP errors its stack sent. */
    private static long destinationUnreachableSent(Lab lab) throws java.io.IOException {
        List<String> icmp = lab.target.read("/proc/net/snmp").lines().filter(l -> l.startsWith("Icmp: ")).toList();
        if (icmp.size() < 2) {
            throw new java.io.IOException("no Icmp lines in the target's /proc/net/snmp");
        }
        List<String> names = List.of(icmp.get(0).split("\\s+"));
        String[] values = icmp.get(1).split("\\s+");
        int at = names.indexOf("OutDestUnreachs");
        if (at < 0) {
            throw new java.io.IOException("no OutDestUnreachs in the target's /proc/net/snmp: " + icmp.get(0));
        }
        return Long.parseLong(values[at]);
    }

    static Check.Outcome ipv6Inside(Lab lab) throws Exception {
        lab.target.wg("set", lab.target.ifname(), "peer", lab.harness.publicKey().base64(), "allowed-ips",
                Lab.HARNESS_TUNNEL + "/32," + Lab.HARNESS_TUNNEL6 + "/128");
        lab.target.ip("address", "add", Lab.TARGET_TUNNEL6 + "/64", "dev", lab.target.ifname());
        lab.harness.addPeer(lab.targetKey, null, Lab.TARGET_TUNNEL6 + "/128");
        byte[] harness6 = Lab.address(Lab.HARNESS_TUNNEL6).getAddress();
        byte[] target6 = Lab.address(Lab.TARGET_TUNNEL6).getAddress();
        boolean fromHarness = lab.harness.ping(harness6, target6, 1, java.time.Duration.ofSeconds(3));
        int fromTarget = lab.target.ping(Lab.HARNESS_TUNNEL6, 3);
        return expect(fromHarness && fromTarget == 3, "ICMPv6 echo harness->target " + yes(fromHarness) + ", target->harness "
                        + fromTarget + "/3",
                "IPv6 packets through the tunnel must arrive whole, both ways");
    }

    /** How far the target's wall clock may be from the harness's. */
    private static final long CLOCK_SLACK_S = 5;

    /** The harness port a second peer of the target has as its endpoint: what arrives there went to it. */
    private static final int WITNESS_PORT = 51822;

    /** Gives the target a second peer (a fresh key nobody holds) with {@code allowedIps}; its public key. */
    private static String addWitness(Lab lab, String allowedIps) throws Exception {
        lab.harness.openPort(WITNESS_PORT);
        String witness = strangerIdentity().publicKey().base64();
        lab.target.wg("set", lab.target.ifname(), "peer", witness, "allowed-ips", allowedIps,
                "endpoint", Lab.HARNESS_UNDERLAY + ":" + WITNESS_PORT);
        return witness;
    }
}
