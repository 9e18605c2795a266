package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a Noise core produced for one {@link NoiseIkpsk2Vector}: the handshake hash both parties
 * agree on, every message as sent on the wire, and every payload as the receiving party decrypted
 * it. A party that rejects a message puts {@code null} in {@code receivedPayloads} at its index.
 */
public record NoiseTranscript(Bytes handshakeHash, List<Bytes> sentMessages, List<Bytes> receivedPayloads) {

    public NoiseTranscript {
        Objects.requireNonNull(handshakeHash, "handshakeHash");
        sentMessages = List.copyOf(sentMessages);
        // List.copyOf refuses nulls, and a rejected message is a null here.
        receivedPayloads = Collections.unmodifiableList(new ArrayList<>(receivedPayloads));
    }
}
