package dev.wirelab.vectors;

import dev.wirelab.engine.crypto.Crypto;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a {@link Candidate} (the primitives, replay window and TAI64N under test) against every case
 * of the vector files in {@code src/main/resources/dev/wirelab/vectors/}, byte for byte, and reports
 * a verdict per case. Nothing stops at the first failure: a report shows everything that is wrong.
 *
 * <p>Run it from the repository root against the engine ({@code --slow} adds the 1,000,000-iteration
 * X25519 case, about a minute):
 * <pre>
 *   ./mvnw -q -pl engine,vectors package -DskipTests
 *   java -cp "$(cat vectors/target/runtime-classpath):vectors/target/classes" dev.wirelab.vectors.ConformanceRunner
 * </pre>
 * The exit status is 1 when a case failed.
 */
public final class ConformanceRunner {
    /** Every vector file, in the order {@link #runAll()} reports them. */
    public static final List<String> FILES = List.of(
            X25519Vectors.FILE, AeadVectors.CHACHA_FILE, AeadVectors.XCHACHA_FILE, Blake2sVectors.FILE, KdfVectors.FILE,
            NoiseVectors.FILE, ReplayWindowVectors.FILE, Tai64nVectors.FILE);

    private final Candidate candidate;
    private final boolean includeSlow;
    private final NoiseIkpsk2Runner noiseRunner;

    public ConformanceRunner(Candidate candidate) {
        this(candidate, false, null);
    }

    private ConformanceRunner(Candidate candidate, boolean includeSlow, NoiseIkpsk2Runner noiseRunner) {
        this.candidate = Objects.requireNonNull(candidate, "candidate");
        this.includeSlow = includeSlow;
        this.noiseRunner = noiseRunner;
    }

    /** The same runner with the slow cases (X25519, 1,000,000 iterations) run instead of skipped. */
    public ConformanceRunner withSlowCases() {
        return new ConformanceRunner(candidate, true, noiseRunner);
    }

    /** The same runner with a Noise core to check in {@link #runAll()}; without one the Noise cases are skipped. */
    public ConformanceRunner withNoise(NoiseIkpsk2Runner runner) {
        return new ConformanceRunner(candidate, includeSlow, Objects.requireNonNull(runner, "runner"));
    }

    public FileReport x25519() {
        return X25519Vectors.run(candidate.crypto().x25519(), includeSlow);
    }

    public FileReport chacha20Poly1305() {
        return AeadVectors.run(candidate.crypto().aead());
    }

    public FileReport xchacha20Poly1305() {
        return AeadVectors.run(candidate.crypto().xaead());
    }

    public FileReport blake2s() {
        return Blake2sVectors.run(candidate.crypto().blake2s());
    }

    public FileReport kdf() {
        return KdfVectors.run(candidate.crypto().blake2s());
    }

    /** The Noise vector through the runner given to {@link #withNoise}, or all skipped without one. */
    public FileReport noise() {
        return NoiseVectors.run(noiseRunner);
    }

    /** The Noise vector through {@code runner}: the hook for the Noise core. */
    public FileReport noise(NoiseIkpsk2Runner runner) {
        return NoiseVectors.run(Objects.requireNonNull(runner, "runner"));
    }

    public FileReport replayWindow() {
        return ReplayWindowVectors.run(candidate.replayWindows());
    }

    public FileReport tai64n() {
        return Tai64nVectors.run(candidate.timestamper());
    }

    public Report runAll() {
        List<FileReport> files = new ArrayList<>();
        files.add(x25519());
        files.add(chacha20Poly1305());
        files.add(xchacha20Poly1305());
        files.add(blake2s());
        files.add(kdf());
        files.add(noise());
        files.add(replayWindow());
        files.add(tai64n());
        return new Report(files);
    }

    /** Checks the engine's fastest providers ({@link Crypto#fastest()}); {@code --slow} adds the slow cases. */
    public static void main(String[] args) {
        boolean slow = false;
        for (String arg : args) {
            if (arg.equals("--slow")) {
                slow = true;
            } else {
                System.err.println("usage: ConformanceRunner [--slow]");
                System.exit(2);
            }
        }
        Crypto crypto = Crypto.fastest();
        ConformanceRunner runner = new ConformanceRunner(Candidate.engine(crypto)).withNoise(new EngineNoiseRunner(crypto));
        Report report = (slow ? runner.withSlowCases() : runner).runAll();
        System.out.print(report.describe());
        System.exit(report.passed() ? 0 : 1);
    }
}
