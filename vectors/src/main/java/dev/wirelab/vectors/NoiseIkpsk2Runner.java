package dev.wirelab.vectors;

/**
 * The extension point for the Noise vector: runs an initiator and a responder of a Noise IKpsk2
 * core against each other with the vector's keys, prologues, preshared keys and payloads, and
 * returns what they produced. The conformance runner compares the transcript byte for byte
 * ({@link ConformanceRunner#noise(NoiseIkpsk2Runner)}).
 *
 * <p>The engine has no Noise core yet ({@code dev.wirelab.engine.noise}); whoever writes it
 * implements this interface. It belongs to that work, not here: a runner here would be a second
 * Noise implementation that the vector checks instead of the engine's.
 */
@FunctionalInterface
public interface NoiseIkpsk2Runner {

    /**
     * Both parties use the vector's ephemeral keys instead of fresh ones (the vector's messages are
     * deterministic only then). Message i is sent by the initiator when i is even.
     */
    NoiseTranscript run(NoiseIkpsk2Vector vector);
}
