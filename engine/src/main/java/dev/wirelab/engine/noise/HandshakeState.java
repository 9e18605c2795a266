package dev.wirelab.engine.noise;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.crypto.PrivateKey;
import java.util.Arrays;

/**
 * The kernel's five handshake states, each carrying the data valid in it. C and H are secrets:
 * records here print redacted and are zeroed by {@link #destroy()} when the handshake moves on.
 */
public sealed interface HandshakeState {
    /** Nothing in flight. */
    record Zeroed() implements HandshakeState {}

    /** We sent an initiation with this index and wait for the response. */
    record CreatedInitiation(int localIndex, PrivateKey ephemeral, byte[] chainingKey, byte[] hash) implements HandshakeState {
        @Override
        public void destroy() {
            ephemeral.destroy();
            wipe(chainingKey, hash);
        }

        @Override
        public String toString() {
            return "CreatedInitiation[localIndex=" + Integer.toUnsignedString(localIndex) + "]";
        }
    }

    /** We accepted an initiation and may answer it. */
    record ConsumedInitiation(int remoteIndex, Bytes remoteEphemeral, byte[] chainingKey, byte[] hash) implements HandshakeState {
        @Override
        public void destroy() {
            wipe(chainingKey, hash);
        }

        @Override
        public String toString() {
            return "ConsumedInitiation[remoteIndex=" + Integer.toUnsignedString(remoteIndex) + "]";
        }
    }

    /** We answered; the session can begin on our side (as responder). */
    record CreatedResponse(int localIndex, int remoteIndex, byte[] chainingKey, byte[] hash) implements HandshakeState {
        @Override
        public void destroy() {
            wipe(chainingKey, hash);
        }

        @Override
        public String toString() {
            return "CreatedResponse[localIndex=" + Integer.toUnsignedString(localIndex)
                    + ", remoteIndex=" + Integer.toUnsignedString(remoteIndex) + "]";
        }
    }

    /** The response verified; the session can begin on our side (as initiator). */
    record ConsumedResponse(int localIndex, int remoteIndex, byte[] chainingKey, byte[] hash) implements HandshakeState {
        @Override
        public void destroy() {
            wipe(chainingKey, hash);
        }

        @Override
        public String toString() {
            return "ConsumedResponse[localIndex=" + Integer.toUnsignedString(localIndex)
                    + ", remoteIndex=" + Integer.toUnsignedString(remoteIndex) + "]";
        }
    }

    default void destroy() {}

    private static void wipe(byte[] a, byte[] b) {
        Arrays.fill(a, (byte) 0);
        Arrays.fill(b, (byte) 0);
    }
}
