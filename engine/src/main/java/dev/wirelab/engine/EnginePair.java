package dev.wirelab.engine;

import dev.wirelab.engine.transport.KeypairLimits;
import dev.wirelab.engine.cookie.CookieChecker;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.ParseResult;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.message.TransportData;
import dev.wirelab.engine.transport.Keypair;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.NoiseTrace;
import dev.wirelab.engine.noise.StaticIdentity;
import dev.wirelab.engine.transport.Keypairs;

/**
 * Two engine peers wired together in memory: "i" initiates, "r" responds. Each side has its own
 * Crypto, identity, handshake with the other, cookie generator and checker, and keypairs. Fixed
 * seeds make every byte reproducible. Used by tests, benchmarks and the `wirelab handshake`
 * walk-through; the simulator's Devices (issue 4) replace it for anything with a network.
 * Seeded keys are public knowledge: never use it to protect traffic.
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
    /** Documentation addresses the two sides pretend to send from (cookies bind to them). */
    public static final Endpoint ENDPOINT_I = Endpoint.ipv4("192.0.2.1:51820");
    public static final Endpoint ENDPOINT_R = Endpoint.ipv4("192.0.2.2:51821");

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

    /** Both wire messages of a completed handshake and the keypair each side installed. */
    public record Exchange(byte[] initiation, byte[] response, Keypair initiatorKeypair, Keypair responderKeypair) {}

    /**
     * Runs a whole handshake at {@code now}: initiation (mac1 checked by the responder), response
     * (mac1 checked by the initiator), both sessions begun and installed in the keypairs.
     */
    public Exchange handshake(Now now, int indexI, int indexR, NoiseTrace traceI, NoiseTrace traceR) {
        byte[] init = initiation(now, PrivateKey.generate(entropyI), indexI, traceI);
        requireMac1(checkerR.validate(init, init.length, ENDPOINT_I, now, false));
        ok(responderConsumes(init, now, traceR));
        byte[] resp = response(now, PrivateKey.generate(entropyR), indexR, traceR);
        requireMac1(checkerI.validate(resp, resp.length, ENDPOINT_R, now, false));
        ok(handshakeI.consumeResponse((Response) MessageCodec.parse(resp), traceI));
        Keypair ki = ok(handshakeI.beginSession(now, KeypairLimits.REFERENCE, traceI));
        Keypair kr = ok(handshakeR.beginSession(now, KeypairLimits.REFERENCE, traceR));
        keypairsI.add(ki);
        keypairsR.add(kr);
        return new Exchange(init, resp, ki, kr);
    }

    /**
     * What a receiver does with a transport datagram: find the keypair by receiver index, open,
     * and let a first packet on {@code next} confirm it.
     */
    public Outcome<byte[]> receive(boolean atResponder, byte[] wire, Now now) {
        if (!(MessageCodec.parse(wire) instanceof TransportData m)) {
            return Outcome.dropped(DropReason.UNKNOWN_MESSAGE_TYPE);
        }
        Keypairs keypairs = atResponder ? keypairsR : keypairsI;
        Keypair k = keypairs.byLocalIndex(m.receiver());
        if (k == null) {
            return Outcome.dropped(DropReason.UNKNOWN_RECEIVER_INDEX);
        }
        Outcome<byte[]> opened = k.open((atResponder ? cryptoR : cryptoI).aead(), now, m.counter(), wire,
                Protocol.TRANSPORT_HEADER_LENGTH, wire.length - Protocol.TRANSPORT_HEADER_LENGTH);
        if (opened instanceof Outcome.Ok) {
            keypairs.receivedWith(k);
        }
        return opened;
    }

    private static void requireMac1(CookieChecker.MacState state) {
        if (state == CookieChecker.MacState.INVALID_MAC) {
            throw new IllegalStateException("mac1 did not verify");
        }
    }

    /** The value of an outcome that must succeed; a drop here is a bug in the caller's sequence. */
    public static <T> T ok(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Ok<T>(var v) -> v;
            case Outcome.Dropped<T>(var reason) -> throw new IllegalStateException("unexpected drop: " + reason);
        };
    }
}
