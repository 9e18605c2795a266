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

    /** A trace that appends every step to {@code steps}. */
    static NoiseTrace collecting(java.util.List<NoiseStep> steps) {
        return new NoiseTrace() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void step(NoiseStep step) {
                steps.add(step);
            }
        };
    }

    boolean enabled();

    void step(NoiseStep step);
}
