package dev.wirelab.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.crypto.Aead;
import dev.wirelab.engine.crypto.BcBlake2s;
import dev.wirelab.engine.crypto.BcX25519;
import dev.wirelab.engine.crypto.BcXChaCha20Poly1305;
import dev.wirelab.engine.crypto.Blake2s;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.JdkChaCha20Poly1305;
import dev.wirelab.engine.crypto.Tai64n;
import dev.wirelab.engine.crypto.X25519;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The runner must notice a wrong implementation: each test feeds it one deliberately broken
 * primitive and checks that exactly the cases that exercise the breakage fail, naming the bytes.
 */
class RunnerCanFailTest {

    private static Crypto crypto(X25519 x25519, Aead aead, Blake2s blake2s) {
        return new Crypto(x25519, aead, new BcXChaCha20Poly1305(), blake2s);
    }

    private static Set<String> failedIds(FileReport report) {
        return report.failures().stream().map(CaseResult::id).collect(Collectors.toSet());
    }

    /** Seals correctly, then flips the lowest bit of the first output byte. */
    private static final class BitFlippingAead implements Aead {
        private final Aead real = new JdkChaCha20Poly1305();

        @Override
        public int seal(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            int n = real.seal(key, nonce, aad, in, inOffset, length, out, outOffset);
            out[outOffset] ^= 1;
            return n;
        }

        @Override
        public int open(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            return real.open(key, nonce, aad, in, inOffset, length, out, outOffset);
        }
    }

    @Test
    void aeadFlippingOneOutputBitFailsEveryValidCase() {
        ConformanceRunner runner = new ConformanceRunner(Candidate.engine(crypto(new BcX25519(), new BitFlippingAead(), new BcBlake2s())));
        FileReport report = runner.chacha20Poly1305();
        AeadVectors.File file = VectorFile.load(AeadVectors.CHACHA_FILE, AeadVectors.File.class);
        Set<String> valid = file.vectors().stream().filter(AeadVectors.Vector::valid).map(AeadVectors.Vector::id).collect(Collectors.toSet());
        assertEquals(valid, failedIds(report));
        // An invalid case only opens, and opening still works.
        assertEquals(file.vectors().size() - valid.size(), report.count(CaseResult.Verdict.PASS));

        CaseResult rfc = report.cases().stream().filter(c -> c.id().equals("rfc8439-2.8.2")).findFirst().orElseThrow();
        // Expected and actual hex, differing in the first byte: d3 sealed, d2 produced.
        assertTrue(rfc.message().contains("seal: expected d31a8d34"), rfc.message());
        assertTrue(rfc.message().contains("but was d21a8d34"), rfc.message());
    }

    @Test
    void x25519AcceptingLowOrderPointsFailsTheZeroResultCases() {
        X25519 real = new BcX25519();
        X25519 accepting = new X25519() {
            @Override
            public void publicKey(byte[] privateKey, byte[] out) {
                real.publicKey(privateKey, out);
            }

            @Override
            public boolean sharedSecret(byte[] scalar, byte[] u, byte[] out) {
                real.sharedSecret(scalar, u, out);
                return true;
            }
        };
        FileReport report = new ConformanceRunner(Candidate.engine(crypto(accepting, new JdkChaCha20Poly1305(), new BcBlake2s()))).x25519();
        X25519Vectors.File file = VectorFile.load(X25519Vectors.FILE, X25519Vectors.File.class);
        Set<String> zero = file.scalarMult().stream().filter(X25519Vectors.ScalarMult::zeroResult).map(X25519Vectors.ScalarMult::id).collect(Collectors.toSet());
        assertTrue(zero.size() > 40, "the file has a good number of low-order cases");
        assertEquals(zero, failedIds(report));
    }

    /** The classic mistake: a 16-byte BLAKE2s as the first 16 bytes of the 32-byte one. */
    @Test
    void blake2sTruncatingInsteadOfSettingTheOutputLengthFailsTheShortOutputCases() {
        Blake2s real = new BcBlake2s();
        Blake2s truncating = new Blake2s() {
            @Override
            public byte[] digest(byte[] key, int outputLength, byte[]... parts) {
                return Arrays.copyOf(real.digest(key, HASH_LENGTH, parts), outputLength);
            }

            @Override
            public byte[] hmac(byte[] key, byte[]... parts) {
                return real.hmac(key, parts);
            }
        };
        FileReport report = new ConformanceRunner(Candidate.engine(crypto(new BcX25519(), new JdkChaCha20Poly1305(), truncating))).blake2s();
        assertEquals(Set.of("kernel-0", "kernel-15", "kernel-47", "kernel-79", "kernel-111", "rfc7693-appendix-e"), failedIds(report));
    }

    @Test
    void replayWindowAcceptingEverythingFailsEverySequenceThatRejects() {
        Candidate candidate = new Candidate(Crypto.fastest(), rejectAfterMessages -> counter -> true, Timestamper.engine(Tai64n.Format.KERNEL));
        FileReport report = new ConformanceRunner(candidate).replayWindow();
        // kernel-4, kernel-7 and wireguard-go-bulk-3 only ever accept, so they pass: once per limit.
        assertEquals(report.cases().size() - 3 * 2, report.failures().size());
        CaseResult first = report.cases().getFirst();
        assertTrue(first.message().startsWith("test 3 (counter 1 = 1): expected rejected but was accepted"), first.message());
        CaseResult bulk = report.cases().stream().filter(c -> c.id().startsWith("kernel-5 @kernel")).findFirst().orElseThrow();
        assertEquals("step 8130 (counter 0 = 0): expected rejected but was accepted", bulk.message());
    }

    @Test
    void replayWindowIgnoringTheLimitFailsTheLimitCases() {
        Candidate candidate = new Candidate(Crypto.fastest(),
                rejectAfterMessages -> ReplayWindows.engine().newWindow(rejectAfterMessages + 3),
                Timestamper.engine(Tai64n.Format.KERNEL));
        FileReport report = new ConformanceRunner(candidate).replayWindow();
        assertEquals(Set.of(
                        "kernel-1 @kernel REJECT_AFTER_MESSAGES=18446744073709543486",
                        "kernel-1 @wireguard-go REJECT_AFTER_MESSAGES=18446744073709543423"),
                failedIds(report));
        assertTrue(report.failures().getFirst().message().startsWith(
                "test 25 (counter REJECT_AFTER_MESSAGES = 18446744073709543486): expected rejected but was accepted"),
                report.failures().getFirst().message());
    }

    @Test
    void timestampsWithoutWhiteningFailTheTenMillisecondCases() {
        Timestamper unwhitened = Timestamper.engine(new Tai64n.Format(Tai64n.Format.KERNEL.base(), 0));
        FileReport report = new ConformanceRunner(new Candidate(Crypto.fastest(), ReplayWindows.engine(), unwhitened)).tai64n();
        Set<String> failed = failedIds(report);
        assertTrue(failed.containsAll(Set.of("wireguard-go-after_10_ns", "wireguard-go-after_10_ms", "10-ms-later-is-not-newer",
                "wireguard-go-start")), failed.toString());
        assertTrue(!failed.contains("20-ms-later-is-newer") && !failed.contains("epoch"), failed.toString());
    }

    @Test
    void noiseHookComparesEveryMessageAndTheHandshakeHash() {
        ConformanceRunner runner = new ConformanceRunner(Candidate.engine(Crypto.fastest()));
        // A stand-in core that answers with the vector's own bytes passes every case...
        NoiseIkpsk2Runner echo = v -> new NoiseTranscript(v.handshakeHash(),
                v.messages().stream().map(NoiseIkpsk2Vector.Message::ciphertext).toList(),
                v.messages().stream().map(NoiseIkpsk2Vector.Message::payload).toList());
        FileReport passing = runner.noise(echo);
        assertEquals(7, passing.count(CaseResult.Verdict.PASS), passing::describe);

        // ...and one wrong byte in message 1 or one rejected payload fails exactly that case.
        NoiseIkpsk2Runner wrong = v -> {
            NoiseTranscript t = echo.run(v);
            List<Bytes> sent = new ArrayList<>(t.sentMessages());
            byte[] response = sent.get(1).toByteArray();
            response[0] ^= (byte) 0x80;
            sent.set(1, Bytes.wrap(response));
            List<Bytes> received = new ArrayList<>(t.receivedPayloads());
            received.set(4, null);
            return new NoiseTranscript(t.handshakeHash(), sent, received);
        };
        FileReport failing = runner.noise(wrong);
        assertEquals(2, failing.failures().size(), failing::describe);
        assertTrue(failing.failures().get(0).message().contains("message on the wire: expected 95ebc60d"), failing.failures().get(0).message());
        assertTrue(failing.failures().get(0).message().contains("but was 15ebc60d"), failing.failures().get(0).message());
        assertTrue(failing.failures().get(1).message().contains("but got null"), failing.failures().get(1).message());
    }

    @Test
    void anExceptionFromTheImplementationFailsTheCaseAndTheRunGoesOn() {
        Candidate candidate = new Candidate(Crypto.fastest(), ReplayWindows.engine(), new Timestamper() {
            @Override
            public byte[] stamp(long epochNanos) {
                if (epochNanos < 0) {
                    throw new IllegalArgumentException("no instants before the epoch");
                }
                return Tai64n.stamp(epochNanos).toByteArray();
            }

            @Override
            public boolean isAfter(byte[] later, byte[] earlier) {
                return Tai64n.of(later).isAfter(Tai64n.of(earlier));
            }
        });
        FileReport report = new ConformanceRunner(candidate).tai64n();
        assertEquals(Set.of("before-epoch", "epoch-after-before-epoch"), failedIds(report));
        assertTrue(report.failures().getFirst().message().contains("no instants before the epoch"));
    }
}
