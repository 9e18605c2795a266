package dev.wirelab.cli;

import dev.wirelab.engine.crypto.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab genkey}: a new Curve25519 private key in base64, clamped as {@code wg genkey}
 * prints it. The randomness comes from here, at the edge: the engine itself never draws any.
 */
@Command(
        name = "genkey", header = "Print a new private key, as `wg genkey` does.",
        description = {
            "Print a new random private key (base64, 44 characters), as `wg genkey` does.",
            "Keep it secret: write it to a file only you can read.",
        },
        footer = {"%nExample:%n  (umask 077; wirelab genkey > private.key)"})
final class Genkey implements Runnable {
    private final SecureRandom random;

    @Spec
    private CommandSpec spec;

    Genkey(SecureRandom random) {
        this.random = random;
    }

    @Override
    public void run() {
        byte[] bytes = new byte[PrivateKey.LENGTH];
        random.nextBytes(bytes);
        PrivateKey key = PrivateKey.of(bytes);
        Arrays.fill(bytes, (byte) 0);
        try {
            spec.commandLine().getOut().println(key.base64());
        } finally {
            key.destroy();
        }
    }
}
