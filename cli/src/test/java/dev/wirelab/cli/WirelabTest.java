package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WirelabTest {

    @Test
    void helpNamesEveryCommandWithAnExample() {
        Run run = Run.wirelab("--help");

        assertEquals(0, run.exitCode(), run.err());
        for (String command : new String[] {"handshake", "genkey", "pubkey", "run", "suite", "version", "help"}) {
            assertTrue(run.out().contains("\n  " + command + " "), () -> "help does not list " + command + ":\n" + run.out());
        }
        assertTrue(run.out().contains("wirelab genkey | tee private.key | wirelab pubkey > public.key"), run.out());
    }

    @Test
    void noArgumentsRunsTheHandshakeWalkthroughAndSaysWhenTheVisualizerLands() {
        Run run = Run.wirelab();

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith(Wirelab.NO_COMMAND_NOTE), run.out());
        assertTrue(Wirelab.NO_COMMAND_NOTE.contains("issue 7"));
        assertTrue(run.out().contains("WireGuard handshake, Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, seed 1"), run.out());
    }

    @Test
    void versionNamesTheBuildAndTheJava() {
        Run run = Run.wirelab("version");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().matches("wirelab \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java \\d+[^)]*\\)\\R"), run.out());
        assertEquals(run.out(), Run.wirelab("--version").out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run run = Run.wirelab("handshak");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Unmatched argument at index 0: 'handshak'"), run.err());
    }
}
