package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;

/** Endpoints: the target's view of the harness's follows authenticated packets and nothing else; its own port changes live. */
final class RoamingChecks {
    private RoamingChecks() {}

    static Check.Outcome roaming(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        String before = lab.targetSeesHarnessAt();
        int newPort = 51830;
        lab.harness.openPort(newPort);
        lab.harness.sendFrom(newPort);
        boolean reply = lab.harnessPings(2);
        String after = lab.targetSeesHarnessAt();
        int garbagePort = 51831;
        lab.harness.openPort(garbagePort);
        lab.harness.sendRaw(garbagePort, Lab.TARGET_ENDPOINT, CRAFT.randomBytes(64, TYPE_DATA));
        Thread.sleep(300);
        String afterGarbage = lab.targetSeesHarnessAt();
        String moved = Lab.HARNESS_UNDERLAY + ":" + newPort;
        return expect(reply && after.equals(moved) && afterGarbage.equals(moved),
                before + " -> " + after + " (reply " + yes(reply) + "), after garbage from :" + garbagePort + " " + afterGarbage,
                "the endpoint must follow authenticated data only");
    }

    static Check.Outcome replayDoesNotRoam(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        Datagram accepted = lastSent(lab, TYPE_DATA);
        int replayPort = 51832;
        int forgedPort = 51833;
        lab.harness.openPort(replayPort);
        lab.harness.openPort(forgedPort);
        // The same bytes again, from a new port: authenticated once, but stale now.
        lab.harness.sendRaw(replayPort, Lab.TARGET_ENDPOINT, accepted.bytes());
        Thread.sleep(300);
        String afterReplay = lab.targetSeesHarnessAt();
        // A live receiver index and a fresh counter, but a tag that does not verify.
        byte[] forged = accepted.bytes().clone();
        forged[8] ^= 0x40;
        forged[forged.length - 1] ^= 1;
        lab.harness.sendRaw(forgedPort, Lab.TARGET_ENDPOINT, forged);
        Thread.sleep(300);
        String afterForged = lab.targetSeesHarnessAt();
        String expected = Lab.HARNESS_UNDERLAY + ":" + Lab.HARNESS_PORT;
        return expect(afterReplay.equals(expected) && afterForged.equals(expected),
                "after a replay from :" + replayPort + " " + afterReplay + "; after a forged packet from :" + forgedPort + " "
                        + afterForged, "only a packet that authenticates and passes the replay window may move the endpoint");
    }

    /** The port `wg set listen-port` moves the target to, live. */
    private static final int NEW_TARGET_PORT = 51823;

    static Check.Outcome listenPortChange(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        lab.target.wg("set", lab.target.ifname(), "listen-port", Integer.toString(NEW_TARGET_PORT));
        String shown = lab.target.wg("show", lab.target.ifname(), "listen-port").strip();
        java.net.InetSocketAddress moved = new java.net.InetSocketAddress(Lab.TARGET_ENDPOINT.getAddress(), NEW_TARGET_PORT);
        // Newer than the harness's own initiation by far (TAI64N is rounded to 16.8 ms: one made in the same
        // slice would be no newer), and past the 20 ms flood limit.
        Thread.sleep(100);
        long t0 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, moved, CRAFT.initiation(lab.harness.identity(), lab.targetKey,
                wallNow() + 1_000_000_000L));
        Datagram response = lab.harness.await(t0, d -> d.type() == TYPE_RESPONSE, java.time.Duration.ofSeconds(3));
        boolean fromNew = response != null && response.peer().getPort() == NEW_TARGET_PORT;
        Thread.sleep(100); // past the 20 ms flood limit
        long t1 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT,
                CRAFT.initiation(lab.harness.identity(), lab.targetKey, wallNow() + 2_000_000_000L));
        Datagram old = lab.harness.await(t1, d -> d.type() == TYPE_RESPONSE, QUIET);
        return expect(shown.equals(Integer.toString(NEW_TARGET_PORT)) && fromNew && old == null,
                "`wg show listen-port` " + shown + "; an initiation to :" + NEW_TARGET_PORT + " "
                        + (response == null ? "NOT answered" : "answered from :" + response.peer().getPort())
                        + "; one to the old :" + Lab.TARGET_PORT + " " + (old == null ? "not answered" : "ANSWERED"),
                "`wg set listen-port` moves the socket at once: answers come from the new port, the old one is closed");
    }
}
