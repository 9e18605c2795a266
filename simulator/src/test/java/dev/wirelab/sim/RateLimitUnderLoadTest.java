package dev.wirelab.sim;

import static dev.wirelab.sim.Lab.ALICE_TUNNEL;
import static dev.wirelab.sim.Lab.BOB_TUNNEL;
import static dev.wirelab.sim.Lab.MS;
import static dev.wirelab.sim.Lab.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.cookie.TokenBucketRateLimiter;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.message.CookieReply;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The third defence of a responder under load, after mac1 and cookies: the per-source rate limit.
 * bob is under load (his handshake queue reported 600 deep, as a flood of spoofed initiations
 * leaves it: AttackerTest floods him for real), so every initiation needs a valid mac2. Spoofed
 * sources never see their cookies, but eve floods from her own address: she takes the cookie bob
 * sends her and puts a valid mac2 on 200 initiations a second. bob lets her through at the token
 * bucket's rate only (a burst of 5, then 20 a second) and drops the rest before any Diffie-Hellman
 * work; alice, meanwhile, still completes her handshake within two retries.
 */
class RateLimitUnderLoadTest {
    private static final Endpoint EVE = Endpoint.ipv4("203.0.113.5:4444");

    /** A flooder that answers cookie replies: mac2 on her own initiations, as the protocol allows anyone. */
    private static final class Eve implements Receiver {
        final CookieGenerator cookies;
        final EventQueue events;
        final DeterministicEntropy random;
        Link uplink;
        int cookiesTaken;

        Eve(Simulation sim, Host target) {
            this.cookies = new CookieGenerator(Crypto.fastest(), target.device().publicKey());
            this.events = sim.events();
            this.random = sim.entropy("eve");
        }

        Now now() {
            return new Now(events.now(), Simulation.DEFAULT_START_WALL_NANOS + events.now());
        }

        void sendInitiation(Endpoint to) {
            byte[] m = new byte[Protocol.INITIATION_LENGTH];
            random.nextBytes(m);
            MessageCodec.writeInt(m, 0, Protocol.MESSAGE_INITIATION);
            java.util.Arrays.fill(m, Initiation.OFFSET_MAC1, m.length, (byte) 0);
            cookies.addMacs(m, now());
            uplink.transmit(new Datagram(events.nextDatagramId(), EVE, to, Bytes.wrap(m), 0));
        }

        @Override
        public void receive(Datagram d) {
            byte[] b = d.payload().toByteArray();
            if (MessageCodec.parse(b, 0, b.length) instanceof CookieReply reply
                    && cookies.consumeReply(reply, now()) instanceof dev.wirelab.engine.Outcome.Ok<Void>) {
                cookiesTaken++;
            }
        }
    }

    @Test
    void aFlooderWithValidCookiesIsRateLimitedWhileALegitimatePeerConnects() {
        Simulation sim = Lab.pair(21, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Host bob = sim.host("bob");
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, 2 * S, S, 20, 56);
        bob.setExtraHandshakeBacklog(600);

        Eve eve = new Eve(sim, bob);
        Network internet = sim.network("internet");
        eve.uplink = new Link("eve->internet", LinkSpec.ideal(5 * MS), sim.events(), sim.entropy("link:eve:up"), sim.trace(), internet);
        internet.attach(EVE.address(), new Link("internet->eve", LinkSpec.ideal(5 * MS), sim.events(),
                sim.entropy("link:eve:down"), sim.trace(), eve));
        // One initiation to get her cookie, then 200 a second for 5 s, all with mac2.
        sim.events().at(S, () -> eve.sendInitiation(bob.endpoint()));
        int eveFlood = 1_000;
        long eveStart = 2 * S;
        for (int i = 0; i < eveFlood; i++) {
            sim.events().at(eveStart + i * 5 * MS, () -> eve.sendInitiation(bob.endpoint()));
        }
        sim.runUntil(25 * S);

        assertEquals(1, eve.cookiesTaken, "eve got a cookie for her address");
        List<Trace.Record> eveDrops = Lab.records(sim, "bob", "wg.drop", r -> EVE.toString().equals(r.string("from")));
        long rateLimited = eveDrops.stream().filter(r -> r.string("reason").equals("RATE_LIMITED")).count();
        long processed = eveDrops.stream().filter(r -> r.string("reason").equals("HANDSHAKE_DECRYPTION_FAILED")).count();
        long cookieAnswered = Lab.records(sim, "bob", "wg.cookie-sent", r -> EVE.toString().equals(r.string("to"))).size();
        // The bucket: 5 at once, then one more per 50 ms from her first to her last (999 x 5 ms later).
        long allowed = TokenBucketRateLimiter.PACKETS_BURSTABLE
                + (eveFlood - 1) * 5 * MS / TokenBucketRateLimiter.PACKET_COST_NANOS;
        System.out.printf("rate limit under load: eve sent %d initiations with mac2; bob processed %d, rate limited %d,"
                + " answered %d with a cookie; token bucket allows %d%n", eveFlood, processed, rateLimited, cookieAnswered, allowed);
        assertEquals(1, cookieAnswered, "only her first initiation, without mac2, got a cookie");
        assertEquals(eveFlood, processed + rateLimited, "each of her initiations with mac2 was processed or rate limited");
        assertEquals(allowed, processed, "processed at the token bucket's rate");

        // bob was under load all along, and alice connected within two retries.
        assertEquals(1, Lab.records(sim, "bob", "host.under-load").size());
        assertEquals(0, Lab.records(sim, "bob", "host.load-normal").size());
        List<Trace.Record> sessions = Lab.records(sim, "alice", "wg.session");
        assertTrue(!sessions.isEmpty(), "alice connected");
        long sessionAt = sessions.get(0).time();
        long attempts = Lab.records(sim, "alice", "wg.initiation-sent", r -> r.time() < sessionAt).size();
        assertTrue(attempts <= 3, "within two retries: " + attempts + " initiations");
        assertEquals(20, Lab.replies(sim, "alice").size(), "every ping answered");
    }
}
