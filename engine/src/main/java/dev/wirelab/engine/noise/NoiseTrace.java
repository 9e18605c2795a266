package dev.wirelab.engine.noise;

/**
 * Receives each handshake step when tracing is on. {@link #OFF} costs nothing: the core checks
 * {@link #enabled()} before copying C and H or building a {@link NoiseStep}.
 */
public interface NoiseTrace {
    NoiseTrace OFF = new NoiseTrace() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void step(NoiseStep step) {}
    };

    boolean enabled();

    void step(NoiseStep step);
}
