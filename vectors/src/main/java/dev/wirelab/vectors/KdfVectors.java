package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.crypto.Blake2s;
import dev.wirelab.engine.crypto.Kdf;
import java.util.ArrayList;
import java.util.List;

/**
 * wireguard-kdf.json, copied unchanged from wireguard-go's device/kdf_test.go. Its t0, t1, t2 are
 * the outputs of KDF3 in wireguard-go's 0-based naming (KDF3(&amp;t0, &amp;t1, &amp;t2, key, input)), that is
 * the whitepaper's T1, T2, T3; the HKDF pseudorandom key (the whitepaper's T0) is not in the file.
 * So: KDF1 = t0, KDF2 = (t0, t1), KDF3 = (t0, t1, t2), and HMAC(extract(C, input), 0x1) = t0.
 */
final class KdfVectors {
    static final String FILE = "wireguard-kdf.json";

    record File(String source, List<Vector> vectors) {}

    record Vector(Bytes chainingKey, Bytes input, Bytes t0, Bytes t1, Bytes t2) {}

    private KdfVectors() {}

    static FileReport run(Blake2s blake2s) {
        File file = VectorFile.load(FILE, File.class);
        List<CaseResult> results = new ArrayList<>();
        for (int i = 0; i < file.vectors().size(); i++) {
            Vector v = file.vectors().get(i);
            // The file has no ids: name a case by its position and its inputs.
            String id = "vector-" + i + " (chaining key " + hexOrEmpty(v.chainingKey()) + ", input " + hexOrEmpty(v.input()) + ")";
            results.add(Mismatches.check(id, m -> {
                byte[] c = v.chainingKey().toByteArray();
                byte[] input = v.input().toByteArray();
                m.bytes("KDF1", v.t0(), Kdf.kdf1(blake2s, c, input));
                byte[][] two = Kdf.kdf2(blake2s, c, input);
                m.bytes("KDF2 first", v.t0(), two[0]);
                m.bytes("KDF2 second", v.t1(), two[1]);
                byte[][] three = Kdf.kdf3(blake2s, c, input);
                m.bytes("KDF3 first", v.t0(), three[0]);
                m.bytes("KDF3 second", v.t1(), three[1]);
                m.bytes("KDF3 third", v.t2(), three[2]);
                m.bytes("HMAC(extract(C, input), 0x1)", v.t0(), blake2s.hmac(Kdf.extract(blake2s, c, input), new byte[] {1}));
            }));
        }
        return new FileReport(FILE, file.source(), results);
    }

    private static String hexOrEmpty(Bytes b) {
        return b.length() == 0 ? "empty" : b.hex();
    }
}
