package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.RecordedEffects;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Set;

/**
 * A UAPI connection carrying any bytes, read and served as {@link UapiServer} serves it (Jazzer;
 * without JAZZER_FUZZ the committed inputs in UapiReaderFuzzTestInputs/ run as plain tests). The
 * reader may fail only with IOException (never here: the bytes are in memory); every request is a
 * get, a set, or a refusal with a known errno; a set the Device refuses leaves everything `wg show`
 * can see exactly as it was; and a get answers whatever the accepted sets left behind.
 */
class UapiReaderFuzzTest {
    /** The reference profile with room for three peers, so the fuzzer can reach "too many peers". */
    private static final Profile THREE_PEERS = new Profile("three-peers", Profile.REFERENCE.timestampFormat(),
            Profile.REFERENCE.rejectAfterMessages(), Profile.REFERENCE.cookieSecretMaxAgeNanos(), 3,
            Profile.REFERENCE.underLoadBacklog(), Profile.REFERENCE.underLoadAfterNanos(),
            Profile.REFERENCE.rateLimiter());
    private static final Set<Integer> REFUSALS = Set.of(UapiErrno.EINVAL, UapiErrno.EPROTO);
    /** A connection serves requests until its client stops; the fuzzer's inputs hold far fewer. */
    private static final int REQUESTS_MAX = 256;

    @FuzzTest(maxDuration = "5m")
    void requestsParseOrAreRefusedAndRefusalsChangeNothing(byte[] connection) {
        Device device = new Device(THREE_PEERS, Crypto.fastest(), new DeterministicEntropy(9));
        Now now = new Now(1_000_000_000_000L, 1_700_000_000_000_000_000L);
        UapiReader reader = new UapiReader(new ByteArrayInputStream(connection));
        for (int i = 0; i < REQUESTS_MAX; i++) {
            UapiRequest request;
            try {
                request = reader.next();
            } catch (IOException e) {
                return; // The one failure the reader may report; a socket would close here.
            }
            if (request == null) {
                return;
            }
            switch (request) {
                case UapiRequest.Get get -> assertNotNull(UapiResponse.get(device));
                case UapiRequest.Set set -> {
                    String before = UapiResponse.get(device);
                    try {
                        device.apply(set.edit(), now, new RecordedEffects());
                    } catch (IllegalArgumentException refused) {
                        // What UapiServer answers with EINVAL, promising the device is as it was.
                        assertEquals(before, UapiResponse.get(device), "a refused set changed the device: " + refused);
                    }
                }
                case UapiRequest.Rejected rejected -> {
                    assertTrue(REFUSALS.contains(rejected.errno()), rejected.toString());
                    assertNotNull(rejected.reason());
                    if (rejected.closeConnection()) {
                        return;
                    }
                }
            }
        }
    }
}
