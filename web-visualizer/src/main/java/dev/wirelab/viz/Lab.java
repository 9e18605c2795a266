package dev.wirelab.viz;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.noise.NoiseTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * The visualizer's two peers, as the seed page casts them: the initiator is "your laptop", the
 * responder "the VPN server". Everything comes from one seed ({@link EnginePair}: static keys,
 * ephemerals, the preshared key) and one wall-clock time (the TAI64N timestamp inside the
 * initiation), so a page can ask for the same handshake again and get the same bytes, and a test can
 * recompute it with the engine alone. Seeded keys are public: the page says so.
 *
 * @param seed     root of every key
 * @param psk      whether both sides share a (seeded) preshared key; otherwise Q is 32 zero bytes
 * @param wallNanos the initiator's wall clock when it builds the initiation
 */
record Lab(long seed, boolean psk, long wallNanos) {
    /** The laptop's addresses inside the tunnel, and the prefixes the laptop routes to the server. */
    static final String LAPTOP_TUNNEL = "10.0.0.2/32";
    static final String SERVER_TUNNEL = "10.0.0.1/32";
    static final String SERVER_ALLOWED_IPS = "10.0.0.0/24";
    /** The same for IPv6 (a unique local prefix): the journey sends IPv6 packets as well. */
    static final String LAPTOP_TUNNEL6 = "fd00::2/128";
    static final String SERVER_TUNNEL6 = "fd00::1/128";
    static final String SERVER_ALLOWED_IPS6 = "fd00::/64";

    /** One completed handshake with both sides' traces: what every view of the lab is built from. */
    record Run(Lab lab, EnginePair pair, Now now, int indexI, int indexR, EnginePair.Exchange exchange,
            List<NoiseStep> initiatorSteps, List<NoiseStep> responderSteps) {}

    /**
     * The session indices: a stream of their own ("indices"), so that drawing them leaves the
     * initiator's and responder's streams (static keys, then ephemerals) exactly as
     * {@link EnginePair} uses them.
     */
    static int[] indices(long seed) {
        DeterministicEntropy e = new DeterministicEntropy(seed).split("indices");
        return new int[] {e.nextInt(), e.nextInt()};
    }

    /** Runs the real handshake between the two engine peers, tracing every Noise step on both sides. */
    Run run() {
        EnginePair pair = new EnginePair(seed, psk);
        // The monotonic origin is arbitrary: only the wall clock reaches the wire (TAI64N).
        Now now = new Now(0, wallNanos);
        int[] idx = indices(seed);
        List<NoiseStep> i = new ArrayList<>();
        List<NoiseStep> r = new ArrayList<>();
        EnginePair.Exchange x = pair.handshake(now, idx[0], idx[1], NoiseTrace.collecting(i), NoiseTrace.collecting(r));
        return new Run(this, pair, now, idx[0], idx[1], x, List.copyOf(i), List.copyOf(r));
    }
}
