package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import java.util.List;

/**
 * One Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s vector in the cacophony format
 * (noise-ikpsk2-cacophony.json): both parties' prologue, preshared keys, static and ephemeral
 * private keys, the initiator's knowledge of the responder's static public key, and the messages.
 * Messages 0 and 1 are the handshake (initiator, then responder); the rest are transport messages
 * under the split keys, alternating initiator, responder, initiator, ...
 */
public record NoiseIkpsk2Vector(
        String protocolName,
        Bytes initPrologue,
        List<Bytes> initPsks,
        Bytes initStatic,
        Bytes initEphemeral,
        Bytes initRemoteStatic,
        Bytes respPrologue,
        List<Bytes> respPsks,
        Bytes respStatic,
        Bytes respEphemeral,
        Bytes handshakeHash,
        List<Message> messages) {

    public NoiseIkpsk2Vector {
        initPsks = List.copyOf(initPsks);
        respPsks = List.copyOf(respPsks);
        messages = List.copyOf(messages);
    }

    /** What the sender encrypts and the exact bytes on the wire. */
    public record Message(Bytes payload, Bytes ciphertext) {}
}
