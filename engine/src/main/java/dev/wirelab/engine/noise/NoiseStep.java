package dev.wirelab.engine.noise;

import dev.wirelab.engine.Bytes;
import java.util.Map;

/**
 * One step of the handshake as whitepaper §5.4 numbers them (1-6 build the initiation, 7-11 the
 * response), seen from one side. Holds secrets (C, DH outputs, derived keys): produced only when the
 * caller asked for a trace.
 *
 * @param number whitepaper step 1..11, or 12 for the session split
 * @param side who performed it: the creator of the message or its consumer
 * @param token the Noise token ("e", "es", "s", "ss", "{t}", "ee", "se", "psk", "{}", "split")
 * @param formula the whitepaper formula, e.g. "(C, k) = KDF2(C, DH(E_priv_i, S_pub_r))"
 * @param values named inputs and outputs of the step, in insertion order
 */
public record NoiseStep(
        int number,
        Side side,
        String token,
        String formula,
        Bytes chainingKeyBefore,
        Bytes hashBefore,
        Bytes chainingKeyAfter,
        Bytes hashAfter,
        Map<String, Bytes> values) {

    public enum Side {
        INITIATOR_CREATES,
        RESPONDER_CONSUMES,
        RESPONDER_CREATES,
        INITIATOR_CONSUMES
    }

    @Override
    public String toString() {
        return "step " + number + " " + side + " " + token + ": " + formula;
    }
}
