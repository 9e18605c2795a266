package dev.wirelab.engine;

import dev.wirelab.engine.cookie.CookieChecker;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.ParseResult;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.NoiseTrace;
import dev.wirelab.engine.noise.StaticIdentity;
import dev.wirelab.engine.transport.Keypairs;

/**
 * Two engine peers wired together in memory, for tests: "i" initiates, "r" responds. Each side has
 * its own Crypto, identity, handshake with the other, cookie generator and checker, and keypairs.
 * Fixed seeds make every byte reproducible.
 */
public final class EnginePair {
    public final Crypto cryptoI = Crypto.fastest();
    public final Crypto cryptoR = Crypto.fastest();
    public final DeterministicEntropy entropyI;
    public final DeterministicEntropy entropyR;
    public final PrivateKey staticPrivateI;
    public final PrivateKey staticPrivateR;
    public final StaticIdentity identityI;
    public final StaticIdentity identityR;
    public final Handshake handshakeI;
    public final Handshake handshakeR;
    public final CookieGenerator macsToR;
    public final CookieGenerator macsToI;
    public final CookieChecker checkerI;
    public final CookieChecker checkerR;
    public final Keypairs keypairsI = new Keypairs();
    public final Keypairs keypairsR = new Keypairs();
    public final SymmetricKey presharedKey;

    public EnginePair(long seed, boolean withPresharedKey) {
        DeterministicEntropy root = new DeterministicEntropy(seed);
        entropyI = root.split("initiator");
        entropyR = root.split("responder");
        staticPrivateI = PrivateKey.generate(entropyI);
        staticPrivateR = PrivateKey.generate(entropyR);
        identityI = StaticIdentity.of(cryptoI.x25519(), staticPrivateI);
        identityR = StaticIdentity.of(cryptoR.x25519(), staticPrivateR);
        handshakeI = new Handshake(cryptoI, identityI, identityR.publicKey());
        handshakeR = new Handshake(cryptoR, identityR, identityI.publicKey());
        byte[] psk = new byte[32];
        if (withPresharedKey) {
            root.split("psk").nextBytes(psk);
        }
        presharedKey = SymmetricKey.of(psk);
        handshakeI.setPresharedKey(SymmetricKey.of(psk));
        handshakeR.setPresharedKey(SymmetricKey.of(psk));
        macsToR = new CookieGenerator(cryptoI, identityR.publicKey());
        macsToI = new CookieGenerator(cryptoR, identityI.publicKey());
        checkerI = new CookieChecker(cryptoI, entropyI.split("cookie"), identityI.publicKey());
        checkerR = new CookieChecker(cryptoR, entropyR.split("cookie"), identityR.publicKey());
    }

    /** The initiator's initiation, encoded with macs, as it goes on the wire. */
    public byte[] initiation(Now now, PrivateKey ephemeral, int index, NoiseTrace trace) {
        Initiation m = ok(handshakeI.createInitiation(now, ephemeral, index, trace));
        byte[] wire = MessageCodec.encode(m);
        macsToR.addMacs(wire, now);
        return wire;
    }

    /** The responder takes an initiation from the wire; returns the peer handshake or the drop. */
    public Outcome<Handshake> responderConsumes(byte[] wire, Now now, NoiseTrace trace) {
        ParseResult parsed = MessageCodec.parse(wire);
        if (!(parsed instanceof Initiation m)) {
            return Outcome.dropped(DropReason.UNKNOWN_MESSAGE_TYPE);
        }
        return Handshake.consumeInitiation(identityR, m,
                key -> key.equals(identityI.publicKey()) ? handshakeR : null, now, cryptoR, trace);
    }

    public byte[] response(Now now, PrivateKey ephemeral, int index, NoiseTrace trace) {
        Response m = ok(handshakeR.createResponse(ephemeral, index, trace));
        byte[] wire = MessageCodec.encode(m);
        macsToI.addMacs(wire, now);
        return wire;
    }

    public static <T> T ok(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Ok<T>(var v) -> v;
            case Outcome.Dropped<T>(var reason) -> throw new AssertionError("unexpected drop: " + reason);
        };
    }
}
