package dev.wirelab.datapath;

import dev.wirelab.engine.Entropy;
import java.security.SecureRandom;

/** The operating system's generator as the engine's {@link Entropy}: for real devices, never for simulations. */
public final class SystemEntropy implements Entropy {
    private final SecureRandom random = new SecureRandom();

    @Override
    public void nextBytes(byte[] out) {
        random.nextBytes(out);
    }
}
