package dev.wirelab.cli;

import dev.wirelab.engine.crypto.BcX25519;
import dev.wirelab.engine.crypto.PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab pubkey}: reads a base64 private key on standard input and prints its public key,
 * as {@code wg pubkey} does. Bad input is the user's mistake, not a bug: it gets one line on
 * stderr and exit code 1.
 */
@Command(
        name = "pubkey", header = "Print a private key's public key, as `wg pubkey` does.",
        description = "Read a private key (base64) on standard input; print its public key, as `wg pubkey` does.",
        footer = {"%nExample:%n  wirelab pubkey < private.key > public.key"})
final class Pubkey implements Callable<Integer> {
    /** A key is 44 characters; anything much longer is the wrong input, and we stop reading. */
    static final int INPUT_BYTES_MAX = 1024;

    private static final String EXPECTED = "expected the 44-character base64 key that `wirelab genkey` or `wg genkey` prints";

    private final InputStream stdin;

    @Spec
    private CommandSpec spec;

    Pubkey(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        byte[] input = readInput();
        try {
            if (input.length > INPUT_BYTES_MAX) {
                return fail("standard input is longer than " + INPUT_BYTES_MAX + " bytes; " + EXPECTED);
            }
            String text = new String(input, StandardCharsets.US_ASCII).strip();
            if (text.isEmpty()) {
                return fail("no private key on standard input; " + EXPECTED);
            }
            PrivateKey key;
            try {
                key = PrivateKey.fromBase64(text);
            } catch (IllegalArgumentException e) {
                // The engine's message names the problem and never echoes the key.
                return fail(e.getMessage() + "; " + EXPECTED);
            }
            try {
                spec.commandLine().getOut().println(new BcX25519().publicKey(key).base64());
            } finally {
                key.destroy();
            }
            return 0;
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }

    /** Up to one byte more than the limit, so an over-long input is seen without reading it all. */
    private byte[] readInput() {
        try {
            return stdin.readNBytes(INPUT_BYTES_MAX + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input", e);
        }
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("wirelab pubkey: " + message);
        return 1;
    }
}
