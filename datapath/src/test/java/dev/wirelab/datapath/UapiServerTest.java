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
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over a raw socket: replies, refusals that change nothing, the socket file, shutdown. */
class UapiServerTest {
    private static final Keys DEVICE = Keys.of(3, "device");
    private static final Keys PEER = Keys.of(3, "peer");

    @TempDir
    Path tmp;
    private Path socket;
    private Device device;
    private final ReentrantLock lock = new ReentrantLock();
    private UapiServer server;

    @BeforeEach
    void start() throws IOException {
        socket = tmp.resolve("wlt.sock");
        device = new Device(Profile.WIREGUARD_GO, Crypto.fastest(), new DeterministicEntropy(3));
        server = UapiServer.start(socket, device, lock, new SystemClock(), new RecordedEffects());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void theSocketIsOwnerOnlyAndNothingElseIsLeftInItsDirectory() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(socket), files.toList());
        }
    }

    @Test
    void severalRequestsOnOneConnectionAndARefusalChangesNothing() throws IOException {
        try (SocketChannel c = connect()) {
            assertEquals("errno=0\n\n", exchange(c, "set=1\nprivate_key=" + DEVICE.privateHex()
                    + "\nlisten_port=51820\npublic_key=" + PEER.publicHex() + "\nallowed_ip=10.0.0.2/32\n\n"));
            String before = exchange(c, "get=1\n\n");
            assertTrue(before.startsWith("private_key=" + DEVICE.privateHex() + "\nlisten_port=51820\npublic_key="), before);
            assertTrue(before.endsWith("allowed_ip=10.0.0.2/32\nerrno=0\n\n"), before);

            // Good lines around a bad one: none take effect, and the connection stays in step.
            assertEquals("errno=-22\n\n", exchange(c, "set=1\nlisten_port=1\nreplace_peers=true\npublic_key="
                    + PEER.publicHex() + "\nallowed_ip=10.0.0.9/32\nendpoint=nowhere:1\n\n"));
            assertEquals("errno=-71\n\n", exchange(c, "set=1\nlisten_port 1\n\n"));
            assertEquals(before, exchange(c, "get=1\n\n"));
        }
    }

    @Test
    void anEditTheEngineRefusesChangesNothing() throws IOException {
        // The wireguard-go profile allows 2^16 peers: one more is refused by Device.apply, before it changes anything.
        StringBuilder sb = new StringBuilder("set=1\nlisten_port=4242\n");
        for (int i = 0; i <= Profile.WIREGUARD_GO.maxPeers(); i++) {
            sb.append("public_key=").append(String.format("%064x", i + 1)).append('\n');
        }
        sb.append('\n');
        try (SocketChannel c = connect()) {
            String before = exchange(c, "get=1\n\n");
            assertEquals("errno=-22\n\n", exchange(c, sb.toString()));
            assertEquals(before, exchange(c, "get=1\n\n"));
        }
        lock.lock();
        try {
            assertEquals(0, device.listenPort());
            assertEquals(List.of(), device.peers());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void anOverlongLineGetsAnErrnoAndTheConnectionIsClosed() throws IOException {
        try (SocketChannel c = connect()) {
            String reply = exchange(c, "set=1\nlisten_port=" + "1".repeat(UapiReader.MAX_LINE_BYTES) + "\n\n");
            assertEquals("errno=-22\n\n", reply);
            assertEquals(-1, c.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void closeJoinsEveryThreadEvenWithAnIdleClientAndRemovesTheSocket() throws Exception {
        try (SocketChannel idle = connect()) {
            exchange(idle, "get=1\n\n");
            server.close();
            assertEquals(-1, idle.read(ByteBuffer.allocate(1)));
        }
        assertFalse(Files.exists(socket));
        assertEquals(0, server.openConnections());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("uapi-")),
                "a UAPI thread outlived close()");
        server.close(); // twice is fine
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneRefused() throws IOException {
        assertThrows(IOException.class, () -> UapiServer.start(socket, device, lock, new SystemClock(),
                new RecordedEffects()));
        Path stale = tmp.resolve("stale.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(stale));
        dead.close(); // leaves the file behind, with nobody listening
        assertTrue(Files.exists(stale));
        try (UapiServer second = UapiServer.start(stale, device, lock, new SystemClock(), new RecordedEffects());
                SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(stale))) {
            assertTrue(exchange(c, "get=1\n\n").endsWith("errno=0\n\n"));
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws IOException {
        Path file = tmp.resolve("file.sock");
        Files.writeString(file, "keep me");
        IOException e = assertThrows(IOException.class, () -> UapiServer.start(file, device, lock, new SystemClock(),
                new RecordedEffects()));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    /** Sends one request and reads its reply, up to and including the "errno=N\n\n" that ends it. */
    private static String exchange(SocketChannel c, String request) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            c.write(out);
        }
        StringBuilder reply = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!(reply.toString().contains("errno=") && reply.toString().endsWith("\n\n"))) {
            one.clear();
            if (c.read(one) < 0) {
                throw new IOException("connection closed after " + reply);
            }
            reply.append((char) one.get(0));
        }
        return reply.toString();
    }
}
