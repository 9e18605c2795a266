package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.RecordedEffects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UapiClient against wirelab's own UapiServer: a set is applied, a get reads it back, a refusal names its errno. */
class UapiClientTest {
    @TempDir
    Path tmp;

    @Test
    void setGetAndRefusal() throws Exception {
        Device device = new Device(Profile.REFERENCE, Crypto.fastest(), new DeterministicEntropy(9).split("engine"));
        Path socket = tmp.resolve("wlc.sock");
        UapiClient client = new UapiClient(socket, Duration.ofSeconds(5));
        assertFalse(client.answers());
        try (UapiServer server = UapiServer.start(socket, device, new ReentrantLock(), new SystemClock(), new RecordedEffects())) {
            assertTrue(client.answers());
            client.set("set=1\nlisten_port=4242\nfwmark=7\n\n");
            assertEquals("listen_port=4242\nfwmark=7\n", client.get());
            UapiException e = assertThrows(UapiException.class, () -> client.set("set=1\nlisten_port=70000\n\n"));
            assertEquals(UapiErrno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("errno=-22 (EINVAL"), e.getMessage());
        }
    }
}
