package dev.wirelab.datapath;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's native scratch for the send side of {@link UdpSocket} and {@link Tun}: errno capture,
 * a pollfd, a destination address. Each datapath thread owns one, so threads send and write at the
 * same time without sharing segments and without allocating per packet.
 */
final class IoScratch implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    final MemorySegment errno = Libc.errnoSegment(arena);
    final MemorySegment pollFd = arena.allocate(Libc.POLLFD);
    final MemorySegment destination = arena.allocate(UdpSocket.SOCKADDR_IN6_BYTES);
    /** A TUN write: the virtio-net header, then the packet (see {@link Tun#write}). */
    final byte[] tunFrame = new byte[Tun.MAX_FRAME_BYTES];
    /** Datagrams one sendmmsg call carries at most. */
    static final int BATCH = 32;
    /** Largest datagram that goes through the batch slab; larger ones go out one by one. */
    static final int SLOT_BYTES = 2048;
    /** The slab all of a sendmmsg's datagrams are copied into, runs for UDP GSO back to back. */
    static final int SLAB_BYTES = 256 * 1024;
    static final int MMSGHDR_BYTES = 64;
    static final int IOVEC_BYTES = 16;
    // Lazily: only threads that batch need the ~70 KB.
    private MemorySegment messages;
    private MemorySegment iovecs;
    private MemorySegment names;
    private MemorySegment slab;
    private MemorySegment controls;
    /** Per message of the last batch built: its first datagram's index and how many datagrams it carries. */
    final int[] firstOfMessage = new int[BATCH];
    final int[] segmentsOfMessage = new int[BATCH];
    /** Set by a send whose UDP GSO message the kernel refused with EIO. */
    boolean gsoRefused;

    MemorySegment messages() {
        if (messages == null) {
            messages = arena.allocate((long) BATCH * MMSGHDR_BYTES, 8);
            iovecs = arena.allocate((long) BATCH * IOVEC_BYTES, 8);
            names = arena.allocate((long) BATCH * UdpSocket.SOCKADDR_IN6_BYTES, 8);
            slab = arena.allocate(SLAB_BYTES, 8);
            controls = arena.allocate((long) BATCH * UdpSocket.CMSG_SPACE_U16, 8);
        }
        return messages;
    }

    MemorySegment iovecs() {
        return iovecs;
    }

    MemorySegment names() {
        return names;
    }

    MemorySegment slab() {
        return slab;
    }

    MemorySegment controls() {
        return controls;
    }

    /** The endpoint {@link #destination} holds, and for which socket family, or null. */
    dev.wirelab.engine.Endpoint destinationFor;
    int destinationFamily;
    int destinationLength;

    /** Frees the segments; only once no thread uses this scratch any more. */
    @Override
    public void close() {
        arena.close();
    }
}
