package dev.wirelab.datapath;

import dev.wirelab.capture.KeylogFile;
import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.Effects;
import dev.wirelab.engine.device.RecordedEffects;
import dev.wirelab.engine.device.TraceEvent;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A userspace WireGuard interface: the engine's {@link Device} on a real TUN device and UDP socket,
 * configured through its UAPI socket (wireguard.com/xplatform), so `wg` and `wg-quick` drive it as
 * they drive wireguard-go.
 *
 * <p>Threads, all of them feeding the one Device under one lock (the engine is single-threaded by
 * design; what runs under the lock is the protocol, not the waiting):
 * <ul>
 *   <li>{@code tun}: packets the kernel routes into the interface, to {@link Device#onOutbound};</li>
 *   <li>{@code udp}: datagrams from the socket; transport data straight to {@link Device#onDatagram},
 *       handshake messages onto a bounded queue, as the kernel does, so that a flood of initiations
 *       cannot starve data and the queue's length tells the Device when it is under load;</li>
 *   <li>{@code handshake}: drains that queue, reporting its length with {@link Device#noteHandshakeBacklog};</li>
 *   <li>{@code timers}: sleeps until {@link Device#nextDeadline()} (woken early when an input makes a
 *       deadline earlier) and once a second checks that the interface and the UAPI socket still exist
 *       and whether someone changed the MTU;</li>
 *   <li>the UAPI server's own threads.</li>
 * </ul>
 * The device stops (and {@link #awaitStopped} returns its reason) when the interface is deleted, the
 * UAPI socket file is removed, or {@link #close} is called (the command calls it on SIGINT/SIGTERM).
 *
 * <p>On request ({@link CaptureFiles}) it records its UDP side as a pcap ({@link DatagramCapture}) and
 * writes a Wireshark key log: for each handshake, as initiator or responder, our static private key,
 * the peer's public key, our ephemeral private key and the preshared key, appended as the handshake
 * happens. Only a key log turns the engine's tracing on, because tracing is the one way the engine
 * hands out an ephemeral key (TraceEvent.InitiatorEphemeral, ResponderEphemeral); the other trace
 * events are dropped unread, and the cost of building them is the price of asking for a key log.
 */
public final class UserspaceDevice implements AutoCloseable {
    /** Handshake messages waiting at most; more are dropped (the kernel's MAX_QUEUED_INCOMING_HANDSHAKES). */
    public static final int HANDSHAKE_QUEUE = 4096;
    private static final int POLL_MILLIS = 200;
    private static final long HOUSEKEEPING_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long JOIN_MILLIS = 5_000;
    private static final System.Logger LOG = System.getLogger(UserspaceDevice.class.getName());

    private final String name;
    private final Device device;
    /** Packets the tun thread hands the Device per lock: enough to amortise it, few enough not to hold up the udp thread. */
    private static final int OUTBOUND_BATCH = 128;

    private final ReentrantLock lock;
    private final Condition deadlineMoved;
    private final SystemClock clock = new SystemClock();
    private final Tun tun;
    private volatile UdpSocket udp;
    private final UapiServer uapi;
    private final DatagramCapture capture; // null: no pcap
    private final KeylogFile keylog; // null: no key log; appended to under the lock
    private final CaptureFiles files;
    private volatile boolean closed;
    // One effects sink per thread: each buffers what the Device decided and carries it out after the
    // lock is released, so one thread's socket and TUN writes overlap another's protocol work. The
    // UAPI threads' sink acts at once (under the lock; edits are rare).
    private final DatapathEffects tunEffects = new DatapathEffects(false);
    private final DatapathEffects udpEffects = new DatapathEffects(false);
    private final DatapathEffects handshakeEffects = new DatapathEffects(false);
    private final DatapathEffects timerEffects = new DatapathEffects(true);
    private final DatapathEffects uapiEffects = new DatapathEffects(true);
    /** Sends hold it to read; the udp thread holds it to write while it closes a socket replaced by a rebind. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock socketLifetime =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final ArrayBlockingQueue<Handshake> handshakes = new ArrayBlockingQueue<>(HANDSHAKE_QUEUE);
    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    private final List<Thread> threads;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String stopReason;
    private volatile boolean closing;
    private long scheduledDeadline = Long.MAX_VALUE; // guarded by lock
    private int mtu = Tun.DEFAULT_MTU; // timers thread only
    private boolean movedAway; // timers thread only: the interface is not in this namespace now

    private record Handshake(Endpoint from, byte[] datagram) {}

    private UserspaceDevice(String name, Device device, ReentrantLock lock, Tun tun, UdpSocket udp, UapiServer uapi,
            DatagramCapture capture, KeylogFile keylog, CaptureFiles files) {
        this.name = name;
        this.lock = lock;
        this.deadlineMoved = lock.newCondition();
        this.device = device;
        this.tun = tun;
        this.udp = udp;
        this.uapi = uapi;
        this.capture = capture;
        this.keylog = keylog;
        this.files = files;
        this.threads = List.of(
                Thread.ofPlatform().name(name + " tun").unstarted(this::tunLoop),
                Thread.ofPlatform().name(name + " udp").unstarted(this::udpLoop),
                Thread.ofPlatform().name(name + " handshake").unstarted(this::handshakeLoop),
                Thread.ofPlatform().name(name + " timers").unstarted(this::timerLoop));
    }

    /**
     * Creates interface {@code name}, binds a UDP socket on a free port (until `wg set listen-port`
     * picks one) and listens on /var/run/wireguard/NAME.sock.
     *
     * @throws IOException with a message a person can act on: not root, no /dev/net/tun, the name or
     *                     the socket taken
     */
    public static UserspaceDevice start(String name, Profile profile) throws IOException {
        return start(name, profile, CaptureFiles.NONE);
    }

    /** As {@link #start(String, Profile)}, recording to {@code files}. */
    public static UserspaceDevice start(String name, Profile profile, CaptureFiles files) throws IOException {
        return start(name, profile, UapiServer.socketPathFor(name), files);
    }

    /** As {@link #start(String, Profile)} with the UAPI socket at {@code socketPath}. */
    public static UserspaceDevice start(String name, Profile profile, Path socketPath) throws IOException {
        return start(name, profile, socketPath, CaptureFiles.NONE);
    }

    /** As {@link #start(String, Profile, CaptureFiles)} with the UAPI socket at {@code socketPath}. */
    public static UserspaceDevice start(String name, Profile profile, Path socketPath, CaptureFiles files)
            throws IOException {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(files, "files");
        Tun.checkName(name);
        Device device = new Device(profile, Crypto.fastest(), new SystemEntropy());
        Tun tun = Tun.create(name);
        UdpSocket udp = null;
        DatagramCapture capture = null;
        KeylogFile keylog = null;
        Holder holder = new Holder();
        try {
            udp = UdpSocket.bind(0, 0);
            capture = files.pcap() == null ? null : DatagramCapture.start(files.pcap(), name);
            keylog = files.keylog() == null ? null : KeylogFile.create(files.keylog());
            SystemClock clock = new SystemClock();
            // Setting the port has no effects; the holder would wait for a device that does not exist yet.
            device.apply(new DeviceEdit(null, false, udp.port(), null, false, List.of()), clock.get(), new RecordedEffects(false));
            UapiServer uapi = UapiServer.start(socketPath, device, holder.lock, clock, holder,
                    (edit, previousPort) -> holder.owner().reconfigured(edit, previousPort));
            UserspaceDevice d = new UserspaceDevice(name, device, holder.lock, tun, udp, uapi, capture, keylog, files);
            holder.become(d);
            d.threads.forEach(Thread::start);
            return d;
        } catch (IOException | RuntimeException e) {
            holder.failed();
            if (keylog != null) {
                keylog.close();
            }
            if (capture != null) {
                capture.close();
            }
            if (udp != null) {
                udp.close();
            }
            tun.close();
            throw e;
        }
    }

    /**
     * The UAPI server starts before this object exists (it may fail, and then nothing else should
     * start), yet its callbacks belong to this object: they go through this holder. A client can
     * connect as soon as the server listens (`wg` does, the moment the socket file appears), before
     * start() has made this object: what a request does waits until it exists.
     */
    private static final class Holder implements Effects {
        private volatile UserspaceDevice owner;
        private final CountDownLatch ready = new CountDownLatch(1);
        final ReentrantLock lock = new ReentrantLock();

        void become(UserspaceDevice device) {
            owner = device;
            ready.countDown();
        }

        void failed() {
            ready.countDown();
        }

        /** The device, once start() made it; a request on a device that failed to start fails too. */
        UserspaceDevice owner() {
            try {
                ready.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            UserspaceDevice o = owner;
            if (o == null) {
                throw new IllegalStateException("the device did not start");
            }
            return o;
        }

        @Override
        public void send(Endpoint to, byte[] datagram) {
            owner().uapiEffects.send(to, datagram);
        }

        @Override
        public void deliver(byte[] packet) {
            owner().uapiEffects.deliver(packet);
        }

        @Override
        public void drop(DropReason reason, Endpoint from) {
            owner().uapiEffects.drop(reason, from);
        }

        // A `wg set` can start a handshake (a keepalive with no session yet): its keys belong in the key log too.
        @Override
        public boolean tracing() {
            return owner().uapiEffects.tracing();
        }

        @Override
        public void trace(TraceEvent event) {
            owner().uapiEffects.trace(event);
        }
    }

    public String name() {
        return name;
    }

    public Path socketPath() {
        return uapi.socketPath();
    }

    /** The UDP port bound now. */
    public int port() {
        return udp.port();
    }

    /** How many packets were dropped for {@code reason} so far (drops are silent on the wire). */
    public long drops(DropReason reason) {
        return drops.get(reason.ordinal());
    }

    /** Where this device records (CaptureFiles.NONE: nowhere). */
    public CaptureFiles captureFiles() {
        return files;
    }

    /** Whether {@link #close} has run to its end. */
    public boolean closed() {
        return closed;
    }

    /**
     * What was recorded, for the log at stop: frames in the pcap (and how many were left out when its
     * queue was full), handshakes in the key log; null when nothing was asked for. Exact after close.
     */
    public String captureSummary() {
        if (capture == null && keylog == null) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        if (capture != null) {
            s.append(capture.framesWritten()).append(" frames in ").append(capture.file());
            if (capture.framesNotCaptured() > 0) {
                s.append(" (").append(capture.framesNotCaptured()).append(" left out: the capture queue was full)");
            }
        }
        if (keylog != null) {
            s.append(capture != null ? ", " : "").append(keylog.blocks()).append(" handshakes' keys in ")
                    .append(keylog.path());
        }
        return s.toString();
    }

    /** Blocks until the device stopped, and says why. */
    public String awaitStopped() throws InterruptedException {
        stopped.await();
        return stopReason;
    }

    private void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        closing = true;
        stopped.countDown();
    }

    // ---------------------------------------------------------------- configuration

    /** Under the lock, after a UAPI set: rebinds the socket for a new port, sets a new fwmark. */
    private int reconfigured(DeviceEdit edit, int previousPort) {
        UdpSocket current = udp;
        try {
            if (edit.listenPort() != null && (edit.listenPort() == 0 || edit.listenPort() != current.port())) {
                UdpSocket next = UdpSocket.bind(edit.listenPort(), device.fwmark());
                udp = next; // The udp thread sees the change and closes the old socket itself.
                device.apply(new DeviceEdit(null, false, next.port(), null, false, List.of()), clock.get(), uapiEffects);
            } else if (edit.fwmark() != null) {
                current.setMark(edit.fwmark());
            }
            if (capture != null) {
                capture.fwmark(device.fwmark());
            }
            return UapiErrno.OK;
        } catch (IOException e) {
            LOG.log(Level.WARNING, name + ": " + e.getMessage());
            // The Device took the port already; give it back the one still bound.
            device.apply(new DeviceEdit(null, false, current.port(), null, false, List.of()), clock.get(), uapiEffects);
            return e instanceof Libc.NativeException n && n.errno() == Libc.EADDRINUSE ? UapiErrno.EADDRINUSE
                    : UapiErrno.EINVAL;
        }
    }

    // ---------------------------------------------------------------- threads

    private void tunLoop() {
        // Frames already waiting are read without waiting for more, cut into packets (TunOffload), and
        // handed to the Device under one lock per OUTBOUND_BATCH packets, whose datagrams then leave
        // in sendmmsg calls: fewer system calls and lock hand-offs per packet when the tunnel is busy,
        // no added latency when it is not.
        byte[] frame = new byte[Tun.MAX_FRAME_BYTES];
        byte[] segment = new byte[TunOffload.scratchBytes()];
        OutboundBatch batch = new OutboundBatch();
        while (!closing) {
            int frames = 0;
            int n = tun.read(frame, POLL_MILLIS);
            while (n > 0) {
                TunOffload.unpack(frame, n, segment, batch);
                if (++frames == IoScratch.BATCH || batch.count >= OUTBOUND_BATCH) {
                    break;
                }
                n = tun.read(frame, 0);
            }
            batch.handOver();
            if (n == Tun.GONE) {
                stop("interface " + name + " was removed");
                return;
            }
        }
    }

    /** The tun thread's packets on their way to the Device: copied here, handed over in one lock. */
    private final class OutboundBatch implements TunOffload.Sink {
        // 256 KiB: room for the batch at the usual MTU, and always for one packet of up to 64 KiB.
        private final byte[] data = new byte[OUTBOUND_BATCH * 2048];
        private final int[] offsets = new int[OUTBOUND_BATCH];
        private final int[] lengths = new int[OUTBOUND_BATCH];
        private int used;
        int count;

        @Override
        public void packet(byte[] buffer, int offset, int length) {
            if (count == OUTBOUND_BATCH || used + length > data.length) {
                handOver();
            }
            System.arraycopy(buffer, offset, data, used, length);
            offsets[count] = used;
            lengths[count] = length;
            used += length;
            count++;
        }

        void handOver() {
            if (count == 0) {
                return;
            }
            lock.lock();
            try {
                for (int i = 0; i < count; i++) {
                    device.onOutbound(clock.get(), data, offsets[i], lengths[i], tunEffects);
                }
                wakeTimersIfEarlier();
            } finally {
                lock.unlock();
            }
            count = 0;
            used = 0;
            tunEffects.flush();
        }
    }

    private void udpLoop() {
        // The datagrams waiting come in one recvmmsg, a peer's GSO run joined into one entry by UDP GRO
        // and cut apart here; the transport data among them goes to the Device under one lock, and
        // what it delivers is written after the lock (coalesced, see DatapathEffects).
        InboundBatch batch = new InboundBatch();
        UdpSocket socket = udp;
        while (!closing) {
            if (socket != udp) {
                closeReplaced(socket); // Rebound to another port: this thread receives on the new one now.
                socket = udp;
            }
            int n = socket.receive(POLL_MILLIS);
            for (int i = 0; i < n; i++) {
                int length = socket.length(i);
                if (length < 0) {
                    drops.incrementAndGet(DropReason.BAD_MESSAGE_LENGTH.ordinal()); // Longer than any UDP payload.
                    continue;
                }
                Endpoint from = socket.source(i);
                int at = batch.reserve(length);
                socket.copy(i, batch.data, at);
                int size = socket.segmentSize(i);
                if (size <= 0 || size >= length) {
                    batch.add(from, at, length, socket.port());
                    continue;
                }
                for (int off = 0; off < length; off += size) {
                    batch.add(from, at + off, Math.min(size, length - off), socket.port());
                }
            }
            batch.handOver();
        }
        if (socket != udp) {
            closeReplaced(socket);
        }
    }

    /** The udp thread's datagrams: handshake messages queued at once, transport data handed to the Device in one lock. */
    private final class InboundBatch {
        /** Bytes held at most: a full recvmmsg of datagrams as large as UDP allows. */
        final byte[] data = new byte[UdpSocket.RECEIVE_BATCH * UdpSocket.RECEIVE_SLOT_BYTES];
        private final int capacity = UdpSocket.RECEIVE_BATCH * UdpSocket.GSO_MAX_SEGMENTS;
        private final Endpoint[] sources = new Endpoint[capacity];
        private final int[] offsets = new int[capacity];
        private final int[] lengths = new int[capacity];
        private int count;
        private int used;

        /** Where {@code length} more bytes go; hands over what is held first if they would not fit. */
        int reserve(int length) {
            if (used + length > data.length) {
                handOver();
            }
            int at = used;
            used += length;
            return at;
        }

        void add(Endpoint from, int offset, int length, int localPort) {
            if (capture != null) {
                capture.received(from, localPort, data, offset, length, clock.get().wallNanos());
            }
            if (length >= 4 && data[offset] >= 1 && data[offset] <= 3) {
                if (!handshakes.offer(new Handshake(from, java.util.Arrays.copyOfRange(data, offset, offset + length)))) {
                    drops.incrementAndGet(DropReason.HANDSHAKE_QUEUE_FULL.ordinal());
                }
                return;
            }
            if (count == capacity) {
                feed(); // Only an entry cut into more pieces than GRO makes gets here; the bytes stay where they are.
            }
            sources[count] = from;
            offsets[count] = offset;
            lengths[count++] = length;
        }

        void handOver() {
            feed();
            used = 0;
        }

        private void feed() {
            if (count > 0) {
                lock.lock();
                try {
                    for (int i = 0; i < count; i++) {
                        device.onDatagram(clock.get(), sources[i], data, offsets[i], lengths[i], udpEffects);
                    }
                    wakeTimersIfEarlier();
                } finally {
                    lock.unlock();
                }
                udpEffects.flush();
            }
            count = 0;
        }
    }

    /** Closes a socket a rebind replaced, once no thread is sending on it. */
    private void closeReplaced(UdpSocket socket) {
        socketLifetime.writeLock().lock();
        try {
            socket.close();
        } finally {
            socketLifetime.writeLock().unlock();
        }
    }

    private void handshakeLoop() {
        while (!closing) {
            Handshake h;
            try {
                h = handshakes.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (h == null) {
                continue;
            }
            lock.lock();
            try {
                device.noteHandshakeBacklog(handshakes.size());
                device.onDatagram(clock.get(), h.from(), h.datagram(), 0, h.datagram().length, handshakeEffects);
                wakeTimersIfEarlier();
            } finally {
                lock.unlock();
            }
            handshakeEffects.flush();
        }
    }

    /** Under the lock: an input may have set an earlier deadline than the timers thread sleeps to. */
    private void wakeTimersIfEarlier() {
        if (device.nextDeadline() < scheduledDeadline) {
            deadlineMoved.signal();
        }
    }

    private void timerLoop() {
        long housekeepingAt = System.nanoTime() + HOUSEKEEPING_NANOS;
        lock.lock();
        try {
            while (!closing) {
                Now now = clock.get();
                if (device.nextDeadline() <= now.monoNanos()) {
                    device.onTimer(now, timerEffects);
                }
                if (now.monoNanos() - housekeepingAt >= 0) {
                    housekeepingAt = now.monoNanos() + HOUSEKEEPING_NANOS;
                    lock.unlock();
                    try {
                        housekeeping();
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                scheduledDeadline = Math.min(device.nextDeadline(), housekeepingAt);
                long wait = scheduledDeadline - System.nanoTime();
                if (wait > 0) {
                    deadlineMoved.awaitNanos(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void housekeeping() {
        if (!uapi.socketFilePresent()) {
            stop("UAPI socket " + uapi.socketPath() + " was removed");
            return;
        }
        try {
            int now = Tun.mtu(name);
            if (now != mtu) {
                mtu = now;
                lock.lock();
                try {
                    device.setMtu(now);
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // Not found by name here: the interface moved to another network namespace (`ip link set
            // NAME netns NS`), where it keeps working as with wireguard-go and the kernel; its MTU
            // there cannot be read from here. A deletion ends the TUN's reads instead (tunLoop).
            if (!movedAway) {
                movedAway = true;
                LOG.log(Level.INFO, name + ": the interface left this network namespace; it keeps working there, but MTU changes"
                        + " made there are not seen (" + e.getMessage() + ")");
            }
            return;
        }
        movedAway = false;
    }

    /** Stops every thread, removes the interface and the UAPI socket. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return; // The shutdown hook and the main thread may both get here.
        }
        stop("closed");
        lock.lock();
        try {
            deadlineMoved.signalAll();
        } finally {
            lock.unlock();
        }
        IOException failure = null;
        try {
            uapi.close();
        } catch (IOException e) {
            failure = e;
        }
        for (Thread t : threads) {
            if (t != Thread.currentThread()) {
                try {
                    t.join(JOIN_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        udp.close();
        tun.close();
        for (DatapathEffects fx : List.of(tunEffects, udpEffects, handshakeEffects, timerEffects, uapiEffects)) {
            fx.closeScratch();
        }
        // Last, once no thread can add to them: flushes what the capture queued, closes the key log.
        if (capture != null) {
            try {
                capture.close();
            } catch (IOException e) {
                failure = failure != null ? failure : e;
            }
        }
        if (keylog != null) {
            try {
                keylog.close();
            } catch (IOException e) {
                failure = failure != null ? failure : e;
            }
        }
        closed = true;
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------- effects

    /** Carries out the Device's decisions; always called under the lock, so the I/O objects are not shared. */
    private final class DatapathEffects implements Effects {
        private final boolean direct;
        private final IoScratch io = new IoScratch();
        private final TunCoalescer coalescer = new TunCoalescer();
        private final TunCoalescer.Output toTun = new TunCoalescer.Output() {
            @Override
            public void packet(byte[] packet) {
                tun.write(packet, 0, packet.length, io);
            }

            @Override
            public void frame(byte[] frame, int length) {
                tun.writeFrame(frame, length, io);
            }
        };
        private final ArrayList<Endpoint> sendTo = new ArrayList<>();
        private final ArrayList<byte[]> sendData = new ArrayList<>();
        private final ArrayList<byte[]> deliveries = new ArrayList<>();

        /** @param direct  carry each effect out at once instead of at {@link #flush} */
        DatapathEffects(boolean direct) {
            this.direct = direct;
        }

        @Override
        public void send(Endpoint to, byte[] datagram) {
            // Captured when decided: the reply, queued by the udp thread, can then never come first
            // in the file. The price: a datagram the kernel refuses (no route, full buffer) is captured too.
            if (capture != null) {
                capture.sent(to, udp.port(), datagram, clock.get().wallNanos());
            }
            sendTo.add(to);
            sendData.add(datagram);
            if (direct) {
                flush();
            }
        }

        @Override
        public void deliver(byte[] packet) {
            deliveries.add(packet);
            if (direct) {
                flush();
            }
        }

        /** Carries out what was buffered, in order: datagrams, then deliveries to the tunnel. */
        void flush() {
            if (!sendData.isEmpty()) {
                socketLifetime.readLock().lock();
                try {
                    udp.sendAll(sendTo, sendData, sendData.size(), io);
                } finally {
                    socketLifetime.readLock().unlock();
                }
                sendTo.clear();
                sendData.clear();
            }
            if (!deliveries.isEmpty()) {
                coalescer.write(deliveries, deliveries.size(), io.tunFrame, toTun);
                deliveries.clear();
            }
        }

        void closeScratch() {
            io.close();
        }

        @Override
        public void drop(DropReason reason, Endpoint from) {
            drops.incrementAndGet(reason.ordinal());
        }

        @Override
        public boolean tracing() {
            return keylog != null;
        }

        /**
         * Appends a block to the key log for each event that carries an ephemeral private key; the rest
         * is not wanted here. The static private key is read now, not at start, so a `wg set
         * private-key` is followed by the next handshake's block.
         */
        @Override
        public void trace(TraceEvent event) {
            WireGuardKeylog.handshake(device, event).ifPresent(block -> {
                try {
                    keylog.append(block);
                } catch (IOException e) {
                    // The handshake goes on; only its decryption in Wireshark is lost. The message names no key.
                    LOG.log(Level.WARNING, name + ": cannot write the key log " + keylog.path() + ": " + e.getMessage());
                }
            });
        }
    }
}
