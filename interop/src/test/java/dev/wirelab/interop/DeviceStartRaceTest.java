package dev.wirelab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.datapath.UapiClient;
import dev.wirelab.datapath.UapiException;
import dev.wirelab.datapath.UapiServer;
import dev.wirelab.datapath.UserspaceDevice;
import dev.wirelab.engine.Profile;
import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * `wg set` the moment a device's UAPI socket appears, as wg-quick and the interop harness do: the
 * server listens before the device object is complete, and a set that arrived in that window used
 * to fail with ENOANO (a NullPointerException in the device) after changing the configuration
 * anyway. Found by HandshakeFloodInteropTest's harness; here the client spins on the socket file
 * to hit the window on purpose, start after start.
 */
@NeedsRoot("network namespaces and TUN devices")
class DeviceStartRaceTest {
    private static final int STARTS = 30;

    @Test
    void aSetSentAsSoonAsTheSocketAppearsIsApplied() throws Exception {
        String privateKeyHex = HexFormat.of().formatHex(new byte[] {8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 64});
        try (Netns ns = Netns.create("wl-race-")) {
            for (int i = 0; i < STARTS; i++) {
                String name = Names.interfaceName("wlr");
                Path socket = UapiServer.socketPathFor(name);
                // A thread of its own: the common pool may be busy with another test's work.
                CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!Files.exists(socket) && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    UapiClient c = new UapiClient(socket, Duration.ofSeconds(5));
                    // The socket file exists a moment before the server accepts: retry only a refused connection.
                    while (System.nanoTime() < deadline) {
                        try {
                            c.set("set=1\nprivate_key=" + privateKeyHex + "\n\n");
                            return 0;
                        } catch (UapiException e) {
                            return e.errno();
                        } catch (java.io.IOException e) {
                            Thread.onSpinWait();
                        }
                    }
                    return -1;
                }, task -> Thread.ofPlatform().name("early client").start(task));
                UserspaceDevice device = ns.call(() -> UserspaceDevice.start(name, Profile.REFERENCE));
                try {
                    int start = i;
                    assertEquals(0, client.get(15, TimeUnit.SECONDS), () -> "start " + start + ": the early set was refused");
                    assertTrue(new UapiClient(socket, Duration.ofSeconds(5)).get().contains("private_key=" + privateKeyHex),
                            "start " + start + ": the early set was applied");
                } finally {
                    device.close();
                }
            }
        }
    }
}
