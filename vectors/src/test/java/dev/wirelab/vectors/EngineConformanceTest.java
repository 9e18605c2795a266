package dev.wirelab.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.wirelab.engine.crypto.Aead;
import dev.wirelab.engine.crypto.BcBlake2s;
import dev.wirelab.engine.crypto.BcChaCha20Poly1305;
import dev.wirelab.engine.crypto.BcX25519;
import dev.wirelab.engine.crypto.BcXChaCha20Poly1305;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.JdkChaCha20Poly1305;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every vector case against the engine's providers and its Noise core, one dynamic test per case
 * named by file and case id. The slow cases (X25519 iterated 1,000,000 times, about a minute) run
 * too: a case that is skipped fails the build.
 */
class EngineConformanceTest {

    /**
     * Cases per file. A file that silently loses cases (a bad edit, a generator that stopped early)
     * fails here instead of passing with less coverage.
     */
    static final Map<String, Integer> CASES_PER_FILE = Map.of(
            "x25519.json", 601 + 3 + 4,
            "chacha20poly1305.json", 328,
            "xchacha20poly1305.json", 312,
            "blake2s.json", 512 + 1 + 10 + 2 + 1,
            "wireguard-kdf.json", 3,
            "noise-ikpsk2-cacophony.json", 1 + 6,
            "replay-window.json", 9 * 2,
            "tai64n.json", 5 + 14);

    private static ConformanceRunner runner(Aead aead) {
        Crypto crypto = new Crypto(new BcX25519(), aead, new BcXChaCha20Poly1305(), new BcBlake2s());
        return new ConformanceRunner(Candidate.engine(crypto)).withNoise(new EngineNoiseRunner(crypto)).withSlowCases();
    }

    /** For {@link #runAllCoversEveryFileOnce}: the slow case already ran in {@link #x25519Bc}. */
    private static ConformanceRunner runnerWithoutSlowCases() {
        Crypto crypto = Crypto.fastest();
        return new ConformanceRunner(Candidate.engine(crypto)).withNoise(new EngineNoiseRunner(crypto));
    }

    private static ConformanceRunner runner() {
        return runner(new JdkChaCha20Poly1305());
    }

    @TestFactory
    Stream<DynamicTest> x25519Bc() {
        return perCase(runner().x25519());
    }

    @TestFactory
    Stream<DynamicTest> chacha20Poly1305Jdk() {
        return perCase(runner(new JdkChaCha20Poly1305()).chacha20Poly1305());
    }

    @TestFactory
    Stream<DynamicTest> chacha20Poly1305Bc() {
        return perCase(runner(new BcChaCha20Poly1305()).chacha20Poly1305());
    }

    @TestFactory
    Stream<DynamicTest> xchacha20Poly1305Bc() {
        return perCase(runner().xchacha20Poly1305());
    }

    @TestFactory
    Stream<DynamicTest> blake2sBc() {
        return perCase(runner().blake2s());
    }

    @TestFactory
    Stream<DynamicTest> kdfOverBcBlake2s() {
        return perCase(runner().kdf());
    }

    /** The cacophony vector through the engine's Noise core ({@link EngineNoiseRunner}). */
    @TestFactory
    Stream<DynamicTest> noiseIkpsk2() {
        return perCase(runner().noise());
    }

    @TestFactory
    Stream<DynamicTest> replayWindow() {
        return perCase(runner().replayWindow());
    }

    @TestFactory
    Stream<DynamicTest> tai64n() {
        return perCase(runner().tai64n());
    }

    @Test
    void runAllCoversEveryFileOnce() {
        Report report = runnerWithoutSlowCases().runAll();
        assertEquals(ConformanceRunner.FILES, report.files().stream().map(FileReport::file).toList());
        assertEquals(CASES_PER_FILE.keySet(), Set.copyOf(ConformanceRunner.FILES));
        assertEquals(0, report.count(CaseResult.Verdict.FAIL), report::describe);
    }

    static Stream<DynamicTest> perCase(FileReport report) {
        assertEquals(CASES_PER_FILE.get(report.file()), report.cases().size(), report.file() + ": number of cases");
        return report.cases().stream().map(c -> dynamicTest(report.file() + " " + c.id(), () -> {
            switch (c.verdict()) {
                case PASS -> { }
                case FAIL -> fail(report.file() + " " + c.id() + ": " + c.message());
                case SKIP -> fail(report.file() + " " + c.id() + " was skipped (" + c.message() + "): every case must run");
            }
        }));
    }
}
