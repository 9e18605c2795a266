package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;

/** Roaming: the endpoint follows authenticated packets, and nothing else. */
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
}
