package dev.wirelab.datapath;

import dev.wirelab.engine.Now;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.Effects;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * The UAPI configuration socket (wireguard.com/xplatform) of one {@link Device}: a Unix domain socket,
 * mode 0600, that {@code wg show/set/setconf/showconf} talk to. Each connection may send several
 * requests in turn, as with wireguard-go.
 *
 * <p>The Device is not thread-safe: every read and edit here happens under the {@link Lock} the owner
 * passes in, the same one its datapath threads take. Replies are formatted under the lock and
 * written after it is released, so a slow client never holds the device.
 *
 * <p>Threads: one acceptor, one per open connection, at most {@link #MAX_CONNECTIONS} at once (more are
 * closed at once). {@link #close()} closes the socket and every connection and joins every thread.
 */
public final class UapiServer implements AutoCloseable {
    /** Connections served at once; `wg` opens one at a time, so this only bounds misbehaving clients. */
    public static final int MAX_CONNECTIONS = 16;
    private static final long JOIN_TIMEOUT_MILLIS = 5_000;
    private static final System.Logger LOG = System.getLogger(UapiServer.class.getName());

    private final Path socketPath;
    private final Object socketFileKey;
    private final ServerSocketChannel server;
    private final Device device;
    private final Lock lock;
    private final Supplier<Now> clock;
    private final Effects effects;
    private final AfterSet afterSet;
    private final Thread acceptor;
    private final Map<SocketChannel, Thread> connections = new ConcurrentHashMap<>();
    private volatile boolean closing;

    private UapiServer(Path socketPath, Object socketFileKey, ServerSocketChannel server, Device device, Lock lock,
            Supplier<Now> clock, Effects effects, AfterSet afterSet) {
        this.afterSet = afterSet;
        this.socketPath = socketPath;
        this.socketFileKey = socketFileKey;
        this.server = server;
        this.device = device;
        this.lock = lock;
        this.clock = clock;
        this.effects = effects;
        this.acceptor = Thread.ofPlatform().name("uapi-accept " + socketPath.getFileName()).unstarted(this::acceptLoop);
    }

    /** The conventional socket of interface {@code name}: /var/run/wireguard/NAME.sock. */
    public static Path socketPathFor(String name) {
        return Path.of("/var/run/wireguard", name + ".sock");
    }

    /**
     * Listens on {@code socketPath}, creating its directory (0755, as wireguard-go does) if missing.
     * A stale socket there (nobody answers) is replaced; a live one is an error.
     *
     * @param effects  where effects of edits go (a keepalive sent when persistent keepalive is turned on)
     * @throws IOException when the socket is in use or cannot be created
     */
    public static UapiServer start(Path socketPath, Device device, Lock lock, Supplier<Now> clock, Effects effects)
            throws IOException {
        return start(socketPath, device, lock, clock, effects, (edit, before) -> UapiErrno.OK);
    }

    /**
     * What the owner of the socket does after the Device took a set request, under the lock: the
     * datapath rebinds its UDP socket when the listen port or fwmark changed.
     */
    @FunctionalInterface
    public interface AfterSet {
        /**
         * @param edit          the request the Device took
         * @param previousPort  the listen port before it
         * @return {@link UapiErrno#OK}, or the errno to answer (the owner has undone what it must)
         */
        int applied(DeviceEdit edit, int previousPort);
    }

    /** As {@link #start(Path, Device, Lock, Supplier, Effects)}, with {@code afterSet} run after each set request. */
    public static UapiServer start(Path socketPath, Device device, Lock lock, Supplier<Now> clock, Effects effects,
            AfterSet afterSet) throws IOException {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(effects, "effects");
        Path dir = socketPath.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        removeStaleSocket(socketPath);
        // Java cannot set the umask, and bind() creates the socket file with the process's umask. So
        // bind inside a fresh 0700 directory, tighten the socket to 0600, and only then rename it into
        // place: at no moment can another user reach it.
        Path staging = Files.createTempDirectory(dir, ".uapi-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staged = staging.resolve("s.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(staged), MAX_CONNECTIONS);
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
            Files.move(staged, socketPath, StandardCopyOption.ATOMIC_MOVE);
            Object fileKey = Files.readAttributes(socketPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            UapiServer uapi = new UapiServer(socketPath, fileKey, server, device, lock, clock, effects, afterSet);
            uapi.acceptor.start();
            return uapi;
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(staged);
            throw e;
        } finally {
            Files.deleteIfExists(staging);
        }
    }

    private static void removeStaleSocket(Path socketPath) throws IOException {
        if (!Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Sockets are "other" to Java; never delete a file, directory or link that happens to be there.
        if (!Files.readAttributes(socketPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(socketPath + " exists and is not a socket");
        }
        boolean live;
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socketPath))) {
            live = true;
        } catch (IOException notListening) {
            live = false;
        }
        if (live) {
            throw new IOException("UAPI socket " + socketPath + " is in use by another process");
        }
        Files.delete(socketPath);
    }

    public Path socketPath() {
        return socketPath;
    }

    /**
     * Whether the socket file is still the one this server created: a device exits when someone
     * removes it, as wireguard.com/xplatform asks.
     */
    public boolean socketFilePresent() {
        try {
            return Objects.equals(socketFileKey, Files.readAttributes(socketPath, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (IOException gone) {
            return false;
        }
    }

    /** Connections open right now (for tests of the bound and of shutdown). */
    public int openConnections() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return; // close() was called.
            } catch (IOException e) {
                LOG.log(Level.WARNING, "UAPI accept on " + socketPath + " failed", e);
                return;
            }
            if (closing || connections.size() >= MAX_CONNECTIONS) {
                closeQuietly(channel);
                continue;
            }
            Thread t = Thread.ofPlatform().name("uapi-conn " + socketPath.getFileName()).unstarted(() -> serve(channel));
            connections.put(channel, t);
            if (closing) { // close() may have swept the map before the put: do not leave it behind.
                connections.remove(channel);
                closeQuietly(channel);
                continue;
            }
            t.start();
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            InputStream in = Channels.newInputStream(channel);
            UapiReader reader = new UapiReader(in);
            while (true) {
                UapiRequest request = reader.next();
                if (request == null) {
                    return;
                }
                switch (request) {
                    case UapiRequest.Get get -> {
                        String body;
                        lock.lock();
                        try {
                            body = UapiResponse.get(device);
                        } finally {
                            lock.unlock();
                        }
                        write(channel, body + UapiResponse.errno(UapiErrno.OK));
                    }
                    case UapiRequest.Set set -> write(channel, UapiResponse.errno(apply(set)));
                    case UapiRequest.Rejected rejected -> {
                        LOG.log(Level.INFO, "UAPI request on " + socketPath + " refused (errno " + rejected.errno()
                                + "): " + rejected.reason());
                        write(channel, UapiResponse.errno(rejected.errno()));
                        if (rejected.closeConnection()) {
                            return;
                        }
                    }
                }
            }
        } catch (ClosedChannelException e) {
            // close() was called, or the client went away.
        } catch (IOException e) {
            if (!closing) {
                LOG.log(Level.DEBUG, "UAPI connection on " + socketPath + " ended: " + e);
            }
        } finally {
            connections.remove(channel);
        }
    }

    private int apply(UapiRequest.Set set) {
        lock.lock();
        try {
            int previousPort = device.listenPort();
            device.apply(set.edit(), clock.get(), effects);
            return afterSet.applied(set.edit(), previousPort);
        } catch (IllegalArgumentException e) {
            // Device.apply validates before it changes anything: the device is as it was.
            LOG.log(Level.INFO, "UAPI set on " + socketPath + " refused: " + e.getMessage());
            return UapiErrno.EINVAL;
        } catch (RuntimeException e) {
            // A defect, not bad input: report it to the client as wireguard-go does (IpcErrorUnknown).
            LOG.log(Level.ERROR, "UAPI set on " + socketPath + " failed", e);
            return UapiErrno.ENOANO;
        } finally {
            lock.unlock();
        }
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Stops listening, closes every connection, joins every thread (each within
     * {@value #JOIN_TIMEOUT_MILLIS} ms) and removes the socket file if it is still ours.
     *
     * @throws IllegalStateException if a thread did not stop in time (a leak to investigate)
     */
    @Override
    public void close() throws IOException {
        closing = true;
        closeQuietly(server);
        List<Thread> threads = new ArrayList<>();
        threads.add(acceptor);
        joinQuietly(acceptor);
        for (Map.Entry<SocketChannel, Thread> e : Map.copyOf(connections).entrySet()) {
            closeQuietly(e.getKey());
            threads.add(e.getValue());
        }
        for (Thread t : threads) {
            joinQuietly(t);
        }
        deleteSocketIfOurs();
        for (Thread t : threads) {
            if (t.isAlive()) {
                throw new IllegalStateException("UAPI thread " + t.getName() + " did not stop within "
                        + JOIN_TIMEOUT_MILLIS + " ms");
            }
        }
    }

    private void deleteSocketIfOurs() throws IOException {
        try {
            Object key = Files.readAttributes(socketPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(key, socketFileKey)) {
                Files.deleteIfExists(socketPath);
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // Someone removed it already.
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(JOIN_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Closing to stop: nothing more to do.
        }
    }
}
