package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.noise.NoiseIkpsk2;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.noise.NoiseTrace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the engine's own Noise core ({@link NoiseIkpsk2}, the code WireGuard's handshake uses) as
 * both parties of a Noise vector: the initiator builds message 0 and the responder reads it, the
 * responder builds message 1 and the initiator reads it, then transport messages under the split
 * keys with counter nonces and empty associated data, as Noise's CipherState does.
 */
public final class EngineNoiseRunner implements NoiseIkpsk2Runner {
    private final Crypto crypto;

    public EngineNoiseRunner(Crypto crypto) {
        this.crypto = crypto;
    }

    @Override
    public NoiseTranscript run(NoiseIkpsk2Vector v) {
        byte[] name = v.protocolName().getBytes(StandardCharsets.US_ASCII);
        NoiseIkpsk2 initiator = new NoiseIkpsk2(crypto, name, v.initPrologue().toByteArray());
        NoiseIkpsk2 responder = new NoiseIkpsk2(crypto, name, v.respPrologue().toByteArray());
        PrivateKey initStatic = PrivateKey.of(v.initStatic().toByteArray());
        PrivateKey respStatic = PrivateKey.of(v.respStatic().toByteArray());
        PublicKey respStaticPublic = crypto.x25519().publicKey(respStatic);
        List<Bytes> sent = new ArrayList<>();
        List<Bytes> received = new ArrayList<>();
        List<NoiseIkpsk2Vector.Message> messages = v.messages();

        // -> e, es, s, ss (payload 0)
        NoiseIkpsk2.CreatedInitiation m0 = value(initiator.createInitiation(NoiseTrace.OFF, initStatic,
                crypto.x25519().publicKey(initStatic), PublicKey.of(v.initRemoteStatic().toByteArray()),
                PrivateKey.of(v.initEphemeral().toByteArray()), null, messages.get(0).payload().toByteArray()));
        sent.add(concat(m0.ephemeral(), m0.encryptedStatic(), m0.encryptedPayload()));
        NoiseIkpsk2.ConsumedInitiation r0 = value(responder.consumeInitiation(NoiseTrace.OFF, respStatic, respStaticPublic,
                m0.ephemeral(), m0.encryptedStatic(), m0.encryptedPayload(), initiatorStatic -> {
                    byte[] dh = new byte[32];
                    return crypto.x25519().sharedSecret(respStatic.secretBytes(), initiatorStatic.bytes(), dh) ? dh : new byte[32];
                }));
        received.add(Bytes.of(r0.payload()));

        // <- e, ee, se, psk (payload 1)
        NoiseIkpsk2.CreatedResponse m1 = value(responder.createResponse(NoiseTrace.OFF, r0.chainingKey(), r0.hash(),
                r0.initiatorEphemeral(), r0.initiatorStatic(), PrivateKey.of(v.respEphemeral().toByteArray()),
                v.respPsks().get(0).toByteArray(), messages.get(1).payload().toByteArray()));
        sent.add(concat(m1.ephemeral(), m1.encryptedPayload()));
        NoiseIkpsk2.ConsumedResponse i1 = value(initiator.consumeResponse(NoiseTrace.OFF, m0.chainingKey(), m0.hash(),
                PrivateKey.of(v.initEphemeral().toByteArray()), initStatic, v.initPsks().get(0).toByteArray(),
                m1.ephemeral(), m1.encryptedPayload()));
        received.add(Bytes.of(i1.payload()));

        // Each side splits from its own C: the transport keys must match for the messages to open.
        NoiseIkpsk2.SessionKeys initiatorKeys = initiator.split(NoiseTrace.OFF, NoiseStep.Side.INITIATOR_CONSUMES, i1.chainingKey(), i1.hash());
        NoiseIkpsk2.SessionKeys responderKeys = responder.split(NoiseTrace.OFF, NoiseStep.Side.RESPONDER_CREATES, m1.chainingKey(), m1.hash());
        long initiatorCounter = 0;
        long responderCounter = 0;
        for (int n = 2; n < messages.size(); n++) {
            byte[] payload = messages.get(n).payload().toByteArray();
            byte[] wire;
            byte[] opened;
            if (n % 2 == 0) {
                wire = crypto.aead().seal(initiatorKeys.initiatorToResponder(), initiatorCounter, new byte[0], payload);
                opened = crypto.aead().open(responderKeys.initiatorToResponder(), initiatorCounter++, new byte[0], wire);
            } else {
                wire = crypto.aead().seal(responderKeys.responderToInitiator(), responderCounter, new byte[0], payload);
                opened = crypto.aead().open(initiatorKeys.responderToInitiator(), responderCounter++, new byte[0], wire);
            }
            sent.add(Bytes.of(wire));
            received.add(opened == null ? null : Bytes.of(opened));
        }
        // Both sides must agree on the handshake hash; report the initiator's and fail loudly if not.
        if (!Bytes.of(i1.hash()).equals(Bytes.of(m1.hash()))) {
            throw new IllegalStateException("initiator and responder ended with different handshake hashes");
        }
        return new NoiseTranscript(Bytes.of(i1.hash()), sent, received);
    }

    private static <T> T value(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Ok<T>(var v) -> v;
            case Outcome.Dropped<T>(DropReason reason) -> throw new IllegalStateException("the engine refused the vector's message: " + reason);
        };
    }

    private static Bytes concat(Bytes... parts) {
        int length = 0;
        for (Bytes p : parts) {
            length += p.length();
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (Bytes p : parts) {
            p.copyTo(out, offset);
            offset += p.length();
        }
        return Bytes.wrap(out);
    }
}
