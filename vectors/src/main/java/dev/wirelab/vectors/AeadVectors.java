package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.crypto.Aead;
import dev.wirelab.engine.crypto.XAead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * chacha20poly1305.json (RFC 8439, Wycheproof) and xchacha20poly1305.json
 * (draft-irtf-cfrg-xchacha-03, Wycheproof): one schema, two interfaces.
 */
final class AeadVectors {
    static final String CHACHA_FILE = "chacha20poly1305.json";
    static final String XCHACHA_FILE = "xchacha20poly1305.json";
    /** Where the in-place check puts the message, so that an implementation ignoring offsets shows up. */
    private static final int OFFSET = 3;

    record File(String source, String format, List<Vector> vectors) {}

    record Vector(String id, String source, Bytes key, Bytes nonce, Bytes aad, Bytes plaintext, Bytes ciphertext,
            Bytes tag, Boolean valid) {

        byte[] sealed() {
            byte[] out = Arrays.copyOf(ciphertext.toByteArray(), ciphertext.length() + tag.length());
            tag.copyTo(out, ciphertext.length());
            return out;
        }
    }

    private AeadVectors() {}

    static FileReport run(Aead aead) {
        File file = VectorFile.load(CHACHA_FILE, File.class);
        List<CaseResult> results = new ArrayList<>();
        for (Vector v : file.vectors()) {
            results.add(Mismatches.check(v.id(), m -> {
                if (v.valid()) {
                    valid(aead, v, m);
                } else {
                    invalid(aead, v, m);
                }
            }));
        }
        return new FileReport(CHACHA_FILE, file.source(), results);
    }

    static FileReport run(XAead xaead) {
        File file = VectorFile.load(XCHACHA_FILE, File.class);
        List<CaseResult> results = new ArrayList<>();
        for (Vector v : file.vectors()) {
            results.add(Mismatches.check(v.id(), m -> {
                byte[] key = v.key().toByteArray();
                byte[] nonce = v.nonce().toByteArray();
                byte[] aad = v.aad().toByteArray();
                if (v.valid()) {
                    m.bytes("seal", Bytes.wrap(v.sealed()), xaead.seal(key, nonce, aad, v.plaintext().toByteArray()));
                    m.bytes("open", v.plaintext(), xaead.open(key, nonce, aad, v.sealed()));
                } else {
                    byte[] opened = xaead.open(key, nonce, aad, v.sealed());
                    if (opened != null) {
                        m.add("open must fail (return null) but returned " + Bytes.wrap(opened).hex());
                    }
                }
            }));
        }
        return new FileReport(XCHACHA_FILE, file.source(), results);
    }

    private static void valid(Aead aead, Vector v, Mismatches m) {
        byte[] key = v.key().toByteArray();
        byte[] nonce = v.nonce().toByteArray();
        byte[] aad = v.aad().toByteArray();
        byte[] plaintext = v.plaintext().toByteArray();
        byte[] expected = v.sealed();

        byte[] sealed = new byte[plaintext.length + Aead.TAG_LENGTH];
        m.equal("seal length", expected.length, aead.seal(key, nonce, aad, plaintext, 0, plaintext.length, sealed, 0));
        m.bytes("seal", Bytes.wrap(expected), sealed);

        byte[] opened = new byte[plaintext.length];
        m.equal("open length", plaintext.length, aead.open(key, nonce, aad, expected, 0, expected.length, opened, 0));
        m.bytes("open", v.plaintext(), opened);

        // The contract allows in == out at the same offset: the datapath seals packets in place.
        byte[] buffer = new byte[OFFSET + expected.length];
        System.arraycopy(plaintext, 0, buffer, OFFSET, plaintext.length);
        aead.seal(key, nonce, aad, buffer, OFFSET, plaintext.length, buffer, OFFSET);
        m.bytes("seal in place at offset " + OFFSET, Bytes.wrap(expected), Arrays.copyOfRange(buffer, OFFSET, buffer.length));
        m.equal("open in place length", plaintext.length, aead.open(key, nonce, aad, buffer, OFFSET, expected.length, buffer, OFFSET));
        m.bytes("open in place at offset " + OFFSET, v.plaintext(), Arrays.copyOfRange(buffer, OFFSET, OFFSET + plaintext.length));

        // A nonce of 32 zero bits then 64 bits is WireGuard's counter nonce (little-endian counter).
        if (nonce[0] == 0 && nonce[1] == 0 && nonce[2] == 0 && nonce[3] == 0) {
            long counter = 0;
            for (int i = 11; i >= 4; i--) {
                counter = (counter << 8) | (nonce[i] & 0xff);
            }
            m.bytes("seal with counter nonce " + Long.toUnsignedString(counter), Bytes.wrap(expected), aead.seal(key, counter, aad, plaintext));
            m.bytes("open with counter nonce " + Long.toUnsignedString(counter), v.plaintext(), aead.open(key, counter, aad, expected));
        }
    }

    private static void invalid(Aead aead, Vector v, Mismatches m) {
        byte[] in = v.sealed();
        byte[] out = new byte[Math.max(0, in.length - Aead.TAG_LENGTH)];
        int n = aead.open(v.key().toByteArray(), v.nonce().toByteArray(), v.aad().toByteArray(), in, 0, in.length, out, 0);
        m.equal("open must fail (return -1)", -1, n);
    }
}
