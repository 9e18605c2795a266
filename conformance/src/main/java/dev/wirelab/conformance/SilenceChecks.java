package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.engine.message.Initiation;
import java.time.Duration;
import java.util.List;

/** Silence toward unauthenticated input: garbage, bad mac1, unknown indices. */
final class SilenceChecks {
    private SilenceChecks() {}

    /** After the quiet window, a valid initiation must be answered: proves the target was alive and we listen. */
    static Check.Outcome silentThenControl(Lab lab, long t0, String what) throws Exception {
        Thread.sleep(QUIET.toMillis());
        List<Datagram> replies = lab.harness.receivedSince(t0);
        long t1 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT,
                CRAFT.initiation(lab.harness.identity(), lab.targetKey, wallNow()));
        Datagram control = lab.harness.await(t1, d -> d.type() == TYPE_RESPONSE, Duration.ofSeconds(3));
        if (control == null) {
            return fail("no response even to a valid initiation", "control failed: the target did not answer a valid initiation");
        }
        return expect(replies.isEmpty(), replies.size() + " datagram(s) in reply to " + what + "; control answered",
                "the target answered unauthenticated input: " + types(replies));
    }

    static Check.Outcome silentToBadMac1(Lab lab) throws Exception {
        long t0 = lab.harness.now();
        byte[] bad = CRAFT.initiation(lab.harness.identity(), lab.targetKey, wallNow());
        bad[Initiation.OFFSET_MAC1] ^= 1;
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, bad);
        // A valid mac1 but a static key the target does not know.
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, CRAFT.initiation(strangerIdentity(), lab.targetKey, wallNow()));
        return silentThenControl(lab, t0, "a bad mac1 and an unknown key");
    }


    static Check.Outcome silentToGarbage(Lab lab) throws Exception {
        long t0 = lab.harness.now();
        for (int i = 0; i < 200; i++) {
            int length = CRAFT.nextInt(300);
            int type = i % 5 == 0 ? -1 : 1 + i % 4; // Mostly forged types 1-4 with garbage after them.
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, CRAFT.randomBytes(length, type));
        }
        return silentThenControl(lab, t0, "200 garbage datagrams");
    }

    static Check.Outcome silentToUnknownReceiver(Lab lab) throws Exception {
        long t0 = lab.harness.now();
        for (int i = 0; i < 20; i++) {
            byte[] data = CRAFT.randomBytes(32 + 16 * CRAFT.nextInt(10), TYPE_DATA);
            data[1] = data[2] = data[3] = 0;
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, data);
            byte[] cookie = CRAFT.randomBytes(64, TYPE_COOKIE);
            cookie[1] = cookie[2] = cookie[3] = 0;
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, cookie);
            byte[] response = CRAFT.randomBytes(92, TYPE_RESPONSE);
            response[1] = response[2] = response[3] = 0;
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, response);
        }
        return silentThenControl(lab, t0, "60 messages to unknown indices");
    }
}
