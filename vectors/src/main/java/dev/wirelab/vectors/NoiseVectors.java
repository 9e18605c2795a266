package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import java.util.ArrayList;
import java.util.List;

/** noise-ikpsk2-cacophony.json, copied unchanged from shared/vectors: checked through a {@link NoiseIkpsk2Runner}. */
final class NoiseVectors {
    static final String FILE = "noise-ikpsk2-cacophony.json";

    record File(String source, List<NoiseIkpsk2Vector> vectors) {}

    private NoiseVectors() {}

    /** With no runner every case is reported as skipped, so the file's case count stays visible. */
    static FileReport run(NoiseIkpsk2Runner runner) {
        File file = VectorFile.load(FILE, File.class);
        List<CaseResult> results = new ArrayList<>();
        for (int i = 0; i < file.vectors().size(); i++) {
            NoiseIkpsk2Vector v = file.vectors().get(i);
            String prefix = "vector-" + i + " " + v.protocolName();
            List<String> ids = new ArrayList<>();
            ids.add(prefix + "/handshake-hash");
            for (int n = 0; n < v.messages().size(); n++) {
                ids.add(prefix + "/message-" + n + (n % 2 == 0 ? " initiator to responder" : " responder to initiator"));
            }
            if (runner == null) {
                ids.forEach(id -> results.add(CaseResult.skip(id, "no NoiseIkpsk2Runner given (the engine has no Noise core yet)")));
                continue;
            }
            NoiseTranscript transcript;
            try {
                transcript = runner.run(v);
            } catch (RuntimeException e) {
                ids.forEach(id -> results.add(CaseResult.fail(id, "the Noise runner threw " + e)));
                continue;
            }
            results.add(Mismatches.check(ids.get(0), m -> m.bytes("handshake hash", v.handshakeHash(), transcript.handshakeHash().toByteArray())));
            for (int n = 0; n < v.messages().size(); n++) {
                NoiseIkpsk2Vector.Message expected = v.messages().get(n);
                int index = n;
                results.add(Mismatches.check(ids.get(n + 1), m -> {
                    m.bytes("message on the wire", expected.ciphertext(), element(transcript.sentMessages(), index));
                    m.bytes("payload the receiver decrypted", expected.payload(), element(transcript.receivedPayloads(), index));
                }));
            }
        }
        return new FileReport(FILE, file.source(), results);
    }

    private static byte[] element(List<Bytes> list, int index) {
        return index < list.size() && list.get(index) != null ? list.get(index).toByteArray() : null;
    }
}
