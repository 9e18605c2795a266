package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.crypto.X25519;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** x25519.json: RFC 7748 §5.2 and §6.1, the kernel self-test table and Wycheproof. */
final class X25519Vectors {
    static final String FILE = "x25519.json";

    record File(String source, String format, List<ScalarMult> scalarMult, List<Iterated> iterated,
            List<DiffieHellman> diffieHellman) {}

    record ScalarMult(String id, String source, Bytes scalar, Bytes u, Bytes output, Boolean zeroResult) {}

    record Iterated(String id, String source, Integer iterations, Bytes output, Boolean slow) {}

    record DiffieHellman(String id, String source, Bytes alicePrivate, Bytes alicePublic, Bytes bobPrivate,
            Bytes bobPublic, Bytes shared) {}

    private X25519Vectors() {}

    static FileReport run(X25519 x25519, boolean includeSlow) {
        File file = VectorFile.load(FILE, File.class);
        List<CaseResult> results = new ArrayList<>();
        for (ScalarMult v : file.scalarMult()) {
            results.add(Mismatches.check(v.id(), m -> scalarMult(x25519, v, m)));
        }
        for (Iterated v : file.iterated()) {
            if (v.slow() && !includeSlow) {
                results.add(CaseResult.skip(v.id(), v.iterations() + " iterations: slow, run with slow cases on"));
            } else {
                results.add(Mismatches.check(v.id(), m -> iterated(x25519, v, m)));
            }
        }
        for (DiffieHellman v : file.diffieHellman()) {
            results.add(Mismatches.check(v.id() + "/alice-public", m -> publicKey(x25519, v.alicePrivate(), v.alicePublic(), m)));
            results.add(Mismatches.check(v.id() + "/bob-public", m -> publicKey(x25519, v.bobPrivate(), v.bobPublic(), m)));
            results.add(Mismatches.check(v.id() + "/alice-shared", m -> shared(x25519, v.alicePrivate(), v.bobPublic(), v.shared(), m)));
            results.add(Mismatches.check(v.id() + "/bob-shared", m -> shared(x25519, v.bobPrivate(), v.alicePublic(), v.shared(), m)));
        }
        return new FileReport(FILE, file.source(), results);
    }

    private static void scalarMult(X25519 x25519, ScalarMult v, Mismatches m) {
        byte[] out = new byte[X25519.KEY_LENGTH];
        // Garbage in the output buffer shows whether a rejected result really leaves it zeroed.
        Arrays.fill(out, (byte) 0xa5);
        boolean ok = x25519.sharedSecret(v.scalar().toByteArray(), v.u().toByteArray(), out);
        if (v.zeroResult()) {
            m.equal("sharedSecret reports failure for a low-order point (all-zero result)", false, ok);
        } else {
            m.equal("sharedSecret reports success", true, ok);
        }
        m.bytes("shared secret", v.output(), out);
    }

    private static void iterated(X25519 x25519, Iterated v, Mismatches m) {
        byte[] k = X25519.BASE_POINT.clone();
        byte[] u = X25519.BASE_POINT.clone();
        for (int i = 0; i < v.iterations(); i++) {
            byte[] next = new byte[X25519.KEY_LENGTH];
            if (!x25519.sharedSecret(k, u, next)) {
                m.add("sharedSecret reported failure at iteration " + (i + 1));
                return;
            }
            u = k;
            k = next;
        }
        m.bytes("k after " + v.iterations() + " iterations", v.output(), k);
    }

    private static void publicKey(X25519 x25519, Bytes privateKey, Bytes expected, Mismatches m) {
        byte[] out = new byte[X25519.KEY_LENGTH];
        x25519.publicKey(privateKey.toByteArray(), out);
        m.bytes("public key", expected, out);
    }

    private static void shared(X25519 x25519, Bytes privateKey, Bytes peerPublic, Bytes expected, Mismatches m) {
        byte[] out = new byte[X25519.KEY_LENGTH];
        m.equal("sharedSecret reports success", true, x25519.sharedSecret(privateKey.toByteArray(), peerPublic.toByteArray(), out));
        m.bytes("shared secret", expected, out);
    }
}
