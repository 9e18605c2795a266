package dev.wirelab.datapath;

import dev.wirelab.capture.PcapWriter;
import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pcap of the device's UDP side: every datagram handed to its socket or received by it, as an
 * Ethernet/IP/UDP frame with the remote's real address and port, the local port, and the wall-clock
 * time it went out or came in (nanosecond pcap, {@link PcapWriter}).
 *
 * <p>The datapath threads only put frames on a bounded queue ({@link #FRAMES_QUEUED_MAX}); a thread
 * of its own builds and writes them, so a slow disk never stalls the tunnel. When the queue is full
 * a frame is left out and counted ({@link #framesNotCaptured}), as a kernel capture drops under load.
 * {@link #close} writes what is queued and flushes the file. Frames are written in the order they
 * were queued; a datagram to send is queued (and stamped) just before the send, so cause precedes
 * effect in the file even when the reply is received on another thread within microseconds.
 *
 * <p>The local address of each frame is the source address the kernel picks for that remote
 * ({@link UdpSocket#sourceAddressFor}): the socket is bound to every address, so it is not known
 * per datagram without IP_PKTINFO. It is the exact one for what the device sends; for what it
 * receives it is the one a reply goes out from, which differs only on hosts where the peer reached us
 * at another of our addresses.
 */
final class DatagramCapture implements AutoCloseable {
    /** Frames waiting to be written at most (about 1.5 kB each at full MTU, so some 12 MB). */
    static final int FRAMES_QUEUED_MAX = 8192;
    /** Remote addresses whose local address is remembered; more start the table afresh. */
    private static final int LOCAL_ADDRESSES_MAX = 1024;
    private static final long POLL_MILLIS = 200;
    private static final long JOIN_MILLIS = 10_000;
    private static final System.Logger LOG = System.getLogger(DatagramCapture.class.getName());

    private record Frame(boolean sent, Endpoint remote, int localPort, byte[] payload, long epochNanos) {}

    private final Path file;
    private final PcapWriter pcap;
    private final ArrayBlockingQueue<Frame> queue = new ArrayBlockingQueue<>(FRAMES_QUEUED_MAX);
    private final AtomicLong framesNotCaptured = new AtomicLong();
    private final Thread writer;
    private final Map<Bytes, Bytes> localAddresses = new HashMap<>(); // writer thread only
    private volatile int fwmark;
    private volatile boolean closing;
    private IOException failure; // writer thread, then read after join

    private DatagramCapture(Path file, PcapWriter pcap, String name) {
        this.file = file;
        this.pcap = pcap;
        this.writer = Thread.ofPlatform().name(name + " capture").unstarted(this::writeLoop);
    }

    /** Creates (or truncates) {@code file}, writes the pcap header and starts the writer thread. */
    static DatagramCapture start(Path file, String deviceName) throws IOException {
        DatagramCapture c = new DatagramCapture(file, PcapWriter.open(file), deviceName);
        c.writer.start();
        return c;
    }

    Path file() {
        return file;
    }

    /** {@code datagram} (owned by the caller, not changed afterwards) went from {@code localPort} to {@code to}. */
    void sent(Endpoint to, int localPort, byte[] datagram, long epochNanos) {
        offer(new Frame(true, to, localPort, datagram, epochNanos));
    }

    /** {@code length} bytes of {@code buffer} at {@code offset} came from {@code from} to {@code localPort}; copied. */
    void received(Endpoint from, int localPort, byte[] buffer, int offset, int length, long epochNanos) {
        offer(new Frame(false, from, localPort, java.util.Arrays.copyOfRange(buffer, offset, offset + length), epochNanos));
    }

    /** The socket's mark changed: routes, hence local addresses, may differ now. */
    void fwmark(int mark) {
        fwmark = mark;
    }

    private void offer(Frame f) {
        if (closing || !queue.offer(f)) {
            framesNotCaptured.incrementAndGet();
        }
    }

    long framesNotCaptured() {
        return framesNotCaptured.get();
    }

    /** Frames in the file so far; exact after {@link #close}. */
    long framesWritten() {
        return pcap.frames();
    }

    private void writeLoop() {
        int markSeen = fwmark;
        while (true) {
            Frame f;
            try {
                f = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (f == null) {
                if (closing && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            if (fwmark != markSeen) {
                markSeen = fwmark;
                localAddresses.clear();
            }
            Endpoint local = new Endpoint(localAddress(f.remote(), markSeen), f.localPort());
            try {
                if (f.sent()) {
                    pcap.udp(local, f.remote(), f.payload(), f.epochNanos());
                } else {
                    pcap.udp(f.remote(), local, f.payload(), f.epochNanos());
                }
            } catch (IOException e) {
                failure = e;
                closing = true; // A full disk stays full: stop capturing, keep the tunnel running.
                LOG.log(Level.WARNING, "capture to " + file + " stopped: " + e.getMessage());
                return;
            }
        }
    }

    /** Routes depend on the address only, so one lookup serves every port of a remote host. */
    private Bytes localAddress(Endpoint remote, int mark) {
        Bytes known = localAddresses.get(remote.address());
        if (known != null) {
            return known;
        }
        if (localAddresses.size() >= LOCAL_ADDRESSES_MAX) {
            localAddresses.clear();
        }
        byte[] source = UdpSocket.sourceAddressFor(remote, mark);
        // No route back (the peer went away since): the unspecified address says "unknown" in the pcap.
        Bytes local = Bytes.wrap(source != null ? source : new byte[remote.address().length()]);
        localAddresses.put(remote.address(), local);
        return local;
    }

    /** Stops taking frames, writes those queued, and closes the file. */
    @Override
    public void close() throws IOException {
        closing = true;
        try {
            writer.join(JOIN_MILLIS);
            if (writer.isAlive()) {
                writer.interrupt(); // A hung disk: give up on the rest rather than hang the device's stop.
                writer.join(JOIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        framesNotCaptured.addAndGet(queue.size()); // Only if the writer could not finish in time.
        queue.clear();
        pcap.close();
        if (failure != null) {
            throw failure;
        }
    }
}
