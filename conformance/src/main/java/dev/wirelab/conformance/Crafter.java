package dev.wirelab.conformance;

import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.datapath.SystemEntropy;
import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.Tai64n;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.NoiseTrace;
import dev.wirelab.engine.noise.StaticIdentity;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The adversary's and the tester's hand-made messages, built with the engine's own handshake and
 * macs so that each is exactly as valid as a check needs: a whole initiation with a chosen
 * timestamp, or one that only carries a valid mac1.
 */
final class Crafter {
    private final Crypto crypto = Crypto.fastest();
    private final SystemEntropy entropy = new SystemEntropy();
    private final SecureRandom random = new SecureRandom();
    /**
     * Initiations crafted at most, whose keys wait for their cell's key log; an older one is forgotten
     * (a stranger's, which no cell takes). A check crafts a few: this is room for many cells at once.
     */
    private static final int KEYS_KEPT_MAX = 1024;
    private record Crafted(PublicKey initiator, WireGuardKeylog keys) {}
    private final ArrayDeque<Crafted> crafted = new ArrayDeque<>(); // guarded by itself

    /**
     * A valid initiation from {@code from} to {@code to}, its TAI64N timestamp taken from {@code wallNanos}.
     * Its keys are kept for {@link #takeKeylog}, so that the cell's capture shows it, and the target's
     * response to it, decrypted.
     */
    byte[] initiation(StaticIdentity from, PublicKey to, long wallNanos) {
        Handshake h = new Handshake(crypto, from, to, Tai64n.Format.KERNEL);
        Now now = new Now(System.nanoTime(), wallNanos);
        PrivateKey ephemeral = PrivateKey.generate(entropy);
        // Read before the handshake uses it, which destroys it.
        WireGuardKeylog keys = new WireGuardKeylog().handshake(to, from.privateKey().base64(), ephemeral.base64(), null);
        synchronized (crafted) {
            if (crafted.size() == KEYS_KEPT_MAX) {
                crafted.removeFirst();
            }
            crafted.addLast(new Crafted(from.publicKey(), keys));
        }
        Outcome<Initiation> o = h.createInitiation(now, ephemeral, random.nextInt(), NoiseTrace.OFF);
        if (!(o instanceof Outcome.Ok<Initiation>(Initiation initiation))) {
            throw new IllegalStateException("the engine refused to build an initiation: " + o);
        }
        byte[] bytes = MessageCodec.encode(initiation);
        new CookieGenerator(crypto, to).addMacs(bytes, now);
        return bytes;
    }

    /**
     * An initiation whose only valid part is mac1 (random ephemeral, static and timestamp): it passes
     * the cheap check and costs the target a Diffie-Hellman, the load that cookies exist for.
     */
    byte[] mac1OnlyInitiation(CookieGenerator macs) {
        Initiation junk = new Initiation(random.nextInt(), randomBytes(32), randomBytes(48), randomBytes(28),
                Bytes.wrap(new byte[16]), Bytes.wrap(new byte[16]));
        byte[] bytes = MessageCodec.encode(junk);
        macs.addMacs(bytes, new Now(System.nanoTime(), System.currentTimeMillis() * 1_000_000L));
        return bytes;
    }

    /** Takes the keys of the initiations crafted as {@code initiator} (a cell's harness), oldest first. */
    List<WireGuardKeylog> takeKeylog(PublicKey initiator) {
        List<WireGuardKeylog> mine = new ArrayList<>();
        synchronized (crafted) {
            for (Iterator<Crafted> i = crafted.iterator(); i.hasNext(); ) {
                Crafted c = i.next();
                if (c.initiator().equals(initiator)) {
                    mine.add(c.keys());
                    i.remove();
                }
            }
        }
        return mine;
    }

    CookieGenerator macsFor(PublicKey target) {
        return new CookieGenerator(crypto, target);
    }

    byte[] randomBytes(int n, int firstByte) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        if (n > 0 && firstByte >= 0) {
            b[0] = (byte) firstByte;
        }
        return b;
    }

    private Bytes randomBytes(int n) {
        return Bytes.wrap(randomBytes(n, -1));
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
