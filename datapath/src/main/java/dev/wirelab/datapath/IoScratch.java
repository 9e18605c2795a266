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
