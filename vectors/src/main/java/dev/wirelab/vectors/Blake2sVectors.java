package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.crypto.Blake2s;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** blake2s.json: BLAKE2 reference KATs, RFC 7693 Appendices B and E, the kernel's varied-length and HMAC vectors. */
final class Blake2sVectors {
    static final String FILE = "blake2s.json";

    record File(String source, String format, List<Digest> digest, List<Hmac> hmac, List<SelfTest> rfc7693Selftest) {}

    record Digest(String id, String source, Bytes key, Bytes input, Integer outputLength, Bytes output) {}

    record Hmac(String id, String source, Bytes key, Bytes input, Bytes output) {}

    record SelfTest(String id, String source, List<Integer> digestLengths, List<Integer> inputLengths,
            String sequenceMultiplier, Bytes output) {}

    private Blake2sVectors() {}

    static FileReport run(Blake2s blake2s) {
        File file = VectorFile.load(FILE, File.class);
        List<CaseResult> results = new ArrayList<>();
        for (Digest v : file.digest()) {
            results.add(Mismatches.check(v.id(), m -> digest(blake2s, v, m)));
        }
        for (Hmac v : file.hmac()) {
            results.add(Mismatches.check(v.id(), m -> {
                byte[] input = v.input().toByteArray();
                int half = input.length / 2;
                m.bytes("hmac", v.output(), blake2s.hmac(v.key().toByteArray(), input));
                m.bytes("hmac over the input in two parts", v.output(), blake2s.hmac(v.key().toByteArray(),
                        Arrays.copyOf(input, half), Arrays.copyOfRange(input, half, input.length)));
            }));
        }
        for (SelfTest v : file.rfc7693Selftest()) {
            results.add(Mismatches.check(v.id(), m -> selfTest(blake2s, v, m)));
        }
        return new FileReport(FILE, file.source(), results);
    }

    private static void digest(Blake2s blake2s, Digest v, Mismatches m) {
        byte[] key = v.key().toByteArray();
        byte[] input = v.input().toByteArray();
        int half = input.length / 2;
        m.bytes("digest", v.output(), blake2s.digest(key, v.outputLength(), input));
        // Every WireGuard hash is over several parts: they must hash as their concatenation.
        m.bytes("digest over the input in two parts", v.output(), blake2s.digest(key, v.outputLength(),
                Arrays.copyOf(input, half), Arrays.copyOfRange(input, half, input.length)));
        if (key.length == 0 && v.outputLength() == Blake2s.HASH_LENGTH) {
            m.bytes("hash", v.output(), blake2s.hash(input));
        }
        if (key.length > 0 && v.outputLength() == Blake2s.MAC_LENGTH) {
            m.bytes("mac", v.output(), blake2s.mac(key, input));
        }
    }

    /** RFC 7693 Appendix E, blake2s_selftest(): a BLAKE2s-256 over 48 keyed and unkeyed digests. */
    private static void selfTest(Blake2s blake2s, SelfTest v, Mismatches m) {
        int multiplier = Integer.parseUnsignedInt(v.sequenceMultiplier(), 16);
        List<byte[]> digests = new ArrayList<>();
        for (int outputLength : v.digestLengths()) {
            for (int inputLength : v.inputLengths()) {
                byte[] in = sequence(inputLength, inputLength, multiplier);
                digests.add(blake2s.digest(new byte[0], outputLength, in));
                digests.add(blake2s.digest(sequence(outputLength, outputLength, multiplier), outputLength, in));
            }
        }
        m.bytes("hash of the " + digests.size() + " digests", v.output(), blake2s.hash(digests.toArray(byte[][]::new)));
    }

    /** RFC 7693 Appendix E selftest_seq: a Fibonacci sequence in 32-bit arithmetic, top byte of each term. */
    private static byte[] sequence(int length, int seed, int multiplier) {
        byte[] out = new byte[length];
        int a = multiplier * seed;
        int b = 1;
        for (int i = 0; i < length; i++) {
            int t = a + b;
            a = b;
            b = t;
            out[i] = (byte) (t >>> 24);
        }
        return out;
    }
}
