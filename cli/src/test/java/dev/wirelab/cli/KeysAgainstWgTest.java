package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code wirelab genkey} and {@code wirelab pubkey} against the reference: the real {@code wg}
 * from wireguard-tools (installed by .ci/run). Same private key in, same public key out.
 */
class KeysAgainstWgTest {
    private static final Path WG = Path.of("/usr/bin/wg");
    private static final int KEYS_PER_SOURCE = 8;
    private static final long PROCESS_SECONDS_MAX = 30;

    @BeforeAll
    static void wgIsInstalled() {
        assertTrue(Files.isExecutable(WG),
                WG + " is missing: install wireguard-tools (`sudo .ci/run` installs every package the tests need)");
    }

    @Test
    void pubkeyOfGenkeyOutputMatchesWg() throws Exception {
        for (int i = 0; i < KEYS_PER_SOURCE; i++) {
            String privateKey = ok(Run.wirelab("genkey"));
            assertEquals(wg(privateKey, "pubkey"), ok(Run.withStdin(privateKey, "pubkey")), "private key " + privateKey);
        }
    }

    @Test
    void pubkeyOfWgGenkeyOutputMatchesWg() throws Exception {
        for (int i = 0; i < KEYS_PER_SOURCE; i++) {
            String privateKey = wg("", "genkey");
            assertEquals(wg(privateKey, "pubkey"), ok(Run.withStdin(privateKey, "pubkey")), "private key " + privateKey);
        }
    }

    /** Unclamped bytes: both sides must clamp the scalar the same way (RFC 7748 decodeScalar25519). */
    @Test
    void pubkeyOfUnclampedRandomBytesMatchesWg() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < KEYS_PER_SOURCE; i++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            bytes[0] |= 7; // set the bits clamping clears, so the test would see a missing clamp
            bytes[31] |= (byte) 0x80;
            String privateKey = Base64.getEncoder().encodeToString(bytes);
            assertEquals(wg(privateKey + "\n", "pubkey"), ok(Run.withStdin(privateKey + "\n", "pubkey")),
                    "seed " + seed + ", private key " + privateKey);
        }
    }

    @Test
    void genkeyPrintsFreshClampedKeysLikeWgGenkey() {
        String first = ok(Run.wirelab("genkey"));
        String second = ok(Run.wirelab("genkey"));

        assertNotEquals(first, second);
        for (String key : List.of(first, second)) {
            assertEquals(44, key.length(), key);
            byte[] bytes = Base64.getDecoder().decode(key);
            assertEquals(0, bytes[0] & 7, () -> "low bits not cleared: " + HexFormat.of().formatHex(bytes));
            assertEquals(0x40, bytes[31] & 0xc0, () -> "high bits not clamped: " + HexFormat.of().formatHex(bytes));
        }
    }

    static Stream<Arguments> badPrivateKeys() {
        Base64.Encoder base64 = Base64.getEncoder();
        return Stream.of(
                Arguments.of("", "no private key on standard input"),
                Arguments.of("not base64!!\n", "private key is not valid base64"),
                Arguments.of(base64.encodeToString(new byte[31]) + "\n", "a private key is 32 bytes, got 31"),
                Arguments.of(base64.encodeToString(new byte[33]) + "\n", "a private key is 32 bytes, got 33"),
                Arguments.of("A".repeat(Pubkey.INPUT_BYTES_MAX + 1), "standard input is longer than 1024 bytes"));
    }

    @ParameterizedTest
    @MethodSource("badPrivateKeys")
    void pubkeyRejectsBadInputWithOneLineAndExitCode1(String input, String reason) throws Exception {
        Run run = Run.withStdin(input, "pubkey");

        assertEquals(1, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("wirelab pubkey: " + reason), run.err());
        assertTrue(run.err().contains("`wirelab genkey` or `wg genkey`"), run.err());
        assertEquals(1, run.err().lines().count(), () -> "expected one line, got:\n" + run.err());
        // The reference agrees the input is bad.
        assertNotEquals(0, exec(input, WG.toString(), "pubkey").exitCode(), "wg pubkey accepted " + input);
    }

    /** The real entry point, in its own JVM: System.exit carries the code, and no stack trace leaks. */
    @Test
    void mainExitsWith1AndNoStackTraceOnBadInput() throws Exception {
        Run run = exec("not base64!!\n", javaCommand("pubkey"));

        assertEquals(1, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
        assertTrue(run.err().startsWith("wirelab pubkey: private key is not valid base64"), run.err());
    }

    @Test
    void mainPrintsThePublicKeyWgPrints() throws Exception {
        String privateKey = wg("", "genkey");

        Run run = exec(privateKey + "\n", javaCommand("pubkey"));

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(wg(privateKey, "pubkey") + "\n", run.out());
    }

    private static String ok(Run run) {
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertTrue(run.out().endsWith("\n"), run.out());
        return run.out().strip();
    }

    /** Runs {@code wg ARGS} with {@code stdin}; returns its stdout, failing on a non-zero exit. */
    private static String wg(String stdin, String... args) throws Exception {
        String[] command = Stream.concat(Stream.of(WG.toString()), Stream.of(args)).toArray(String[]::new);
        Run run = exec(stdin, command);
        assertEquals(0, run.exitCode(), () -> "wg " + String.join(" ", args) + ": " + run.err());
        return run.out().strip();
    }

    private static String[] javaCommand(String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String[] prefix = {java, "-cp", System.getProperty("java.class.path"), Wirelab.class.getName()};
        return Stream.concat(Stream.of(prefix), Stream.of(args)).toArray(String[]::new);
    }

    private static Run exec(String stdin, String... command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("wirelab-test", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.US_ASCII));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!process.waitFor(PROCESS_SECONDS_MAX, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + PROCESS_SECONDS_MAX + " s");
            }
            return new Run(process.exitValue(), out, Files.readString(err, StandardCharsets.US_ASCII));
        } finally {
            Files.delete(err);
        }
    }
}
