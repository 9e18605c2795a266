package dev.wirelab.datapath;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The device's UDP socket: one dual-stack IPv6 socket (IPv4 peers appear as ::ffff:a.b.c.d and are
 * turned back into 4-byte endpoints), or IPv4 only where the kernel has no IPv6. Raw descriptors
 * through java.lang.foreign rather than DatagramChannel because the device needs SO_MARK (fwmark),
 * and later batching (recvmmsg/sendmmsg), which Java does not offer.
 *
 * <p>One thread receives; any number send at once, each with its own {@link IoScratch}.
 */
public final class UdpSocket extends NativeDescriptor {
    static final int SOCKADDR_IN6_BYTES = 28;
    private static final int SOCKADDR_IN_BYTES = 16;
    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    /**
     * Large enough that bursts from a fast peer (a TUN super-packet becomes ~45 datagrams at once)
     * are not dropped before the receive thread gets to them.
     */
    private static final int BUFFER_BYTES = 4 << 20;
    /** Datagrams one recvmmsg takes at most. */
    public static final int RECEIVE_BATCH = 32;
    /**
     * Bytes per received datagram: the largest UDP payload, so that no peer's MTU can make a datagram
     * too long for its slot (2 MiB of native memory per socket).
     */
    static final int RECEIVE_SLOT_BYTES = 65_535;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** UDP GSO limits: the kernel's UDP_MAX_SEGMENTS, and a UDP payload's bound with room to spare. */
    static final int GSO_MAX_SEGMENTS = 64;
    static final int GSO_MAX_BYTES = 65_000;
    /** CMSG_LEN and CMSG_SPACE of a two-byte control message (a 16-byte cmsghdr first, 8-byte alignment). */
    private static final long CMSG_LEN_U16 = 18;
    static final int CMSG_SPACE_U16 = 24;
    private static final int CMSG_SPACE_INT = 24;

    private final int family;
    private final int port;
    private volatile boolean gso = true;
    // Receive side (receiving thread only).
    private final MemorySegment receiveErrno = Libc.errnoSegment(arena);
    private final MemorySegment receivePoll = arena.allocate(Libc.POLLFD);
    // recvmmsg's messages, one iovec each into its own slot of the slab, and their source addresses.
    private final MemorySegment receiveMessages = arena.allocate((long) RECEIVE_BATCH * IoScratch.MMSGHDR_BYTES, 8);
    private final MemorySegment receiveIovecs = arena.allocate((long) RECEIVE_BATCH * IoScratch.IOVEC_BYTES, 8);
    private final MemorySegment receiveNames = arena.allocate((long) RECEIVE_BATCH * SOCKADDR_IN6_BYTES, 8);
    private final MemorySegment receiveSlots = arena.allocate((long) RECEIVE_BATCH * RECEIVE_SLOT_BYTES, 8);
    // Room for one UDP_GRO control message per datagram: CMSG_SPACE(sizeof(int)).
    private final MemorySegment receiveControls = arena.allocate((long) RECEIVE_BATCH * CMSG_SPACE_INT, 8);
    private final byte[] lastSourceBytes = new byte[18];
    private final byte[] sourceScratch = new byte[18];
    private Endpoint lastSource;

    private UdpSocket(int fd, int family, int port) {
        super(fd);
        this.family = family;
        this.port = port;
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            MemorySegment iov = receiveIovecs.asSlice((long) i * IoScratch.IOVEC_BYTES, IoScratch.IOVEC_BYTES);
            iov.set(ValueLayout.ADDRESS, 0, receiveSlots.asSlice((long) i * RECEIVE_SLOT_BYTES, RECEIVE_SLOT_BYTES));
            iov.set(ValueLayout.JAVA_LONG, 8, RECEIVE_SLOT_BYTES);
            MemorySegment m = receiveMessages.asSlice((long) i * IoScratch.MMSGHDR_BYTES, IoScratch.MMSGHDR_BYTES);
            m.set(ValueLayout.ADDRESS, 0, receiveNames.asSlice((long) i * SOCKADDR_IN6_BYTES, SOCKADDR_IN6_BYTES));
            m.set(ValueLayout.ADDRESS, 16, iov);
            m.set(ValueLayout.JAVA_LONG, 24, 1L);
            m.set(ValueLayout.ADDRESS, 32, receiveControls.asSlice((long) i * CMSG_SPACE_INT, CMSG_SPACE_INT));
        }
    }

    /**
     * Binds a socket to {@code port} on every address (0 picks a free port) with socket mark {@code fwmark} (0: none).
     *
     * @throws IOException naming the port and what to do when it is taken
     */
    public static UdpSocket bind(int port, int fwmark) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(call);
            int family = Libc.AF_INET6;
            int fd = (int) Libc.SOCKET.invokeExact(errno, family, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                family = Libc.AF_INET; // No IPv6 in this kernel or namespace.
                fd = (int) Libc.SOCKET.invokeExact(errno, family, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            }
            if (fd < 0) {
                throw new Libc.NativeException("cannot open a UDP socket: " + Libc.strerror(Libc.errno(errno)), Libc.errno(errno));
            }
            try {
                if (family == Libc.AF_INET6) {
                    setOption(call, errno, fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
                }
                // UDP GRO: a run of equal datagrams from one source (a peer's GSO send) comes up as one,
                // with its datagram size in a control message; segmentSize() reports it. Optional.
                trySetOption(call, errno, fd, Libc.SOL_UDP, Libc.UDP_GRO, 1);
                // The FORCE variants pass net.core.rmem_max/wmem_max (208 KiB by default, a few
                // milliseconds of a busy tunnel); they need CAP_NET_ADMIN, which a device has.
                if (!trySetOption(call, errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, BUFFER_BYTES)) {
                    setOption(call, errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, BUFFER_BYTES, "SO_RCVBUF");
                }
                if (!trySetOption(call, errno, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, BUFFER_BYTES)) {
                    setOption(call, errno, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUF, BUFFER_BYTES, "SO_SNDBUF");
                }
                if (fwmark != 0) {
                    setOption(call, errno, fd, Libc.SOL_SOCKET, Libc.SO_MARK, fwmark, "SO_MARK (fwmark)");
                }
                MemorySegment address = call.allocate(SOCKADDR_IN6_BYTES);
                address.set(ValueLayout.JAVA_SHORT, 0, (short) family);
                address.set(SHORT_BE, 2, (short) port);
                int length = family == Libc.AF_INET6 ? SOCKADDR_IN6_BYTES : SOCKADDR_IN_BYTES;
                if ((int) Libc.BIND.invokeExact(errno, fd, address, length) < 0) {
                    int e = Libc.errno(errno);
                    throw new Libc.NativeException(e == Libc.EADDRINUSE
                            ? "UDP port " + port + " is in use (`ss -ulpn sport = :" + port
                                    + "` shows by whom): choose another listen port"
                            : "cannot bind UDP port " + port + ": " + Libc.strerror(e), e);
                }
                MemorySegment bound = call.allocate(SOCKADDR_IN6_BYTES);
                MemorySegment boundLength = call.allocate(ValueLayout.JAVA_INT);
                boundLength.set(ValueLayout.JAVA_INT, 0, SOCKADDR_IN6_BYTES);
                if ((int) Libc.GETSOCKNAME.invokeExact(errno, fd, bound, boundLength) < 0) {
                    throw new Libc.NativeException("getsockname: " + Libc.strerror(Libc.errno(errno)), Libc.errno(errno));
                }
                return new UdpSocket(fd, family, Short.toUnsignedInt(bound.get(SHORT_BE, 2)));
            } catch (IOException | RuntimeException | Error e) {
                Libc.close(fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static boolean trySetOption(Arena call, MemorySegment errno, int fd, int level, int option, int value)
            throws Throwable {
        MemorySegment v = call.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        return (int) Libc.SETSOCKOPT.invokeExact(errno, fd, level, option, v, 4) == 0;
    }

    private static void setOption(Arena call, MemorySegment errno, int fd, int level, int option, int value, String what)
            throws Throwable {
        MemorySegment v = call.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        if ((int) Libc.SETSOCKOPT.invokeExact(errno, fd, level, option, v, 4) < 0) {
            int e = Libc.errno(errno);
            throw new Libc.NativeException("cannot set " + what + " on the UDP socket: " + Libc.strerror(e)
                    + (e == Libc.EPERM ? " (needs root or CAP_NET_ADMIN)" : ""), e);
        }
    }

    /** The bound port (the kernel's choice when 0 was asked for). */
    public int port() {
        return port;
    }

    /**
     * Receives the datagrams waiting, up to {@link #RECEIVE_BATCH}, in one recvmmsg, waiting at most
     * {@code timeoutMillis} for the first. Each stays readable through {@link #length}, {@link #source}
     * and {@link #copy} until the next call.
     *
     * @return how many came (a datagram may be empty), or 0 when nothing came in time
     */
    public int receive(int timeoutMillis) {
        try {
            while (true) {
                for (int i = 0; i < RECEIVE_BATCH; i++) {
                    MemorySegment m = receiveMessages.asSlice((long) i * IoScratch.MMSGHDR_BYTES, IoScratch.MMSGHDR_BYTES);
                    // The kernel overwrites msg_namelen, msg_controllen and msg_flags.
                    m.set(ValueLayout.JAVA_INT, 8, SOCKADDR_IN6_BYTES);
                    m.set(ValueLayout.JAVA_LONG, 40, CMSG_SPACE_INT);
                    m.set(ValueLayout.JAVA_INT, 48, 0);
                }
                int n = (int) Libc.RECVMMSG.invokeExact(receiveErrno, fd, receiveMessages, RECEIVE_BATCH, 0, MemorySegment.NULL);
                if (n > 0) {
                    return n;
                }
                int e = Libc.errno(receiveErrno);
                if (n == 0 || e != Libc.EAGAIN && e != Libc.EINTR) {
                    return 0; // An ICMP error queued on the socket, or closing: nothing to deliver.
                }
                if (closed || Libc.poll(receivePoll, fd, Libc.POLLIN, timeoutMillis, receiveErrno) == 0) {
                    return 0;
                }
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Length of datagram {@code i} of the last {@link #receive}; -1 if it was longer than a slot (cut, so dropped). */
    public int length(int i) {
        MemorySegment m = receiveMessages.asSlice((long) i * IoScratch.MMSGHDR_BYTES, IoScratch.MMSGHDR_BYTES);
        if ((m.get(ValueLayout.JAVA_INT, 48) & Libc.MSG_TRUNC) != 0) {
            return -1;
        }
        return m.get(ValueLayout.JAVA_INT, 56);
    }

    /**
     * For entry {@code i} of the last {@link #receive}: 0 if it is one datagram, else the size of the
     * datagrams UDP GRO joined in it (back to back, the last maybe shorter), for the caller to cut.
     */
    public int segmentSize(int i) {
        MemorySegment m = receiveMessages.asSlice((long) i * IoScratch.MMSGHDR_BYTES, IoScratch.MMSGHDR_BYTES);
        if (m.get(ValueLayout.JAVA_LONG, 40) < 20) {
            return 0;
        }
        MemorySegment c = receiveControls.asSlice((long) i * CMSG_SPACE_INT, CMSG_SPACE_INT);
        boolean gro = c.get(ValueLayout.JAVA_INT, 8) == Libc.SOL_UDP && c.get(ValueLayout.JAVA_INT, 12) == Libc.UDP_GRO;
        return gro ? c.get(ValueLayout.JAVA_INT, 16) : 0;
    }

    /** Copies datagram {@code i} of the last {@link #receive} to {@code destination} at {@code offset}. */
    public void copy(int i, byte[] destination, int offset) {
        MemorySegment.copy(receiveSlots, ValueLayout.JAVA_BYTE, (long) i * RECEIVE_SLOT_BYTES, destination, offset, length(i));
    }

    /** Where datagram {@code i} of the last {@link #receive} came from; the same object while the source does not change. */
    public Endpoint source(int i) {
        MemorySegment source = receiveNames.asSlice((long) i * SOCKADDR_IN6_BYTES, SOCKADDR_IN6_BYTES);
        int sourceFamily = Short.toUnsignedInt(source.get(ValueLayout.JAVA_SHORT, 0));
        byte[] now = sourceScratch;
        if (sourceFamily == Libc.AF_INET6) {
            MemorySegment.copy(source, ValueLayout.JAVA_BYTE, 8, now, 0, 16);
        } else {
            System.arraycopy(V4_MAPPED_PREFIX, 0, now, 0, 12);
            MemorySegment.copy(source, ValueLayout.JAVA_BYTE, 4, now, 12, 4);
        }
        now[16] = source.get(ValueLayout.JAVA_BYTE, 2);
        now[17] = source.get(ValueLayout.JAVA_BYTE, 3);
        if (lastSource != null && Arrays.equals(now, lastSourceBytes)) {
            return lastSource;
        }
        System.arraycopy(now, 0, lastSourceBytes, 0, 18);
        boolean v4 = Arrays.equals(now, 0, 12, V4_MAPPED_PREFIX, 0, 12);
        byte[] address = v4 ? Arrays.copyOfRange(now, 12, 16) : Arrays.copyOf(now, 16);
        lastSource = new Endpoint(Bytes.wrap(address), (now[16] & 0xff) << 8 | (now[17] & 0xff));
        return lastSource;
    }

    /**
     * Sends one datagram, using {@code scratch} (the calling thread's). When the socket buffer is full
     * it waits briefly for room, then drops, as a full NIC queue would: UDP promises no delivery and
     * the protocol recovers.
     *
     * @return whether the kernel took it
     */
    public boolean send(Endpoint to, byte[] data, int offset, int length, IoScratch scratch) {
        if (to != scratch.destinationFor || scratch.destinationFamily != family) {
            if (!setDestination(to, scratch)) {
                return false;
            }
            scratch.destinationFor = to;
            scratch.destinationFamily = family;
        }
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                long n = (long) Libc.SENDTO.invokeExact(scratch.errno, fd, MemorySegment.ofArray(data).asSlice(offset, length),
                        (long) length, 0, scratch.destination, scratch.destinationLength);
                if (n >= 0) {
                    return true;
                }
                int e = Libc.errno(scratch.errno);
                if (e != Libc.EAGAIN || closed) {
                    return false; // Unreachable, no route, or a full queue: dropped, as on any network.
                }
                Libc.poll(scratch.pollFd, fd, Libc.POLLOUT, 10, scratch.errno);
            }
            return false;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Sends {@code count} datagrams with as few system calls as possible, using {@code scratch}: one
     * sendmmsg carries up to {@link IoScratch#BATCH} messages, and each message carries a run of
     * datagrams to one endpoint, all as long as the first but the last (which may be shorter), as one
     * UDP GSO send (UDP_SEGMENT): the kernel passes the run through its stack as one packet and cuts it
     * into datagrams at the end, as TCP's segmentation offload does. That is the shape a TUN
     * super-packet takes once sealed. Datagrams larger than a slot go out one by one. Like
     * {@link #send}, a full socket buffer gets one short wait, then the rest is dropped.
     *
     * @return how many datagrams the kernel took
     */
    public int sendAll(List<Endpoint> to, List<byte[]> data, int count, IoScratch scratch) {
        if (count == 1) {
            return send(to.getFirst(), data.getFirst(), 0, data.getFirst().length, scratch) ? 1 : 0;
        }
        int taken = 0;
        int i = 0;
        while (i < count) {
            MemorySegment messages = scratch.messages();
            int n = 0;
            long used = 0;
            while (i < count && n < IoScratch.BATCH) {
                byte[] d = data.get(i);
                if (d.length > IoScratch.SLOT_BYTES || used + d.length > IoScratch.SLAB_BYTES) {
                    break; // Sent alone below, or in the next call; the order is kept either way.
                }
                MemorySegment name = scratch.names().asSlice((long) n * SOCKADDR_IN6_BYTES, SOCKADDR_IN6_BYTES);
                int nameLength = writeSockaddr(name, family, to.get(i));
                if (nameLength < 0) {
                    i++; // An IPv6 peer on a host without IPv6: dropped.
                    continue;
                }
                // The run: datagrams to the same endpoint, each as long as the first, the last maybe shorter.
                Endpoint destination = to.get(i);
                int size = d.length;
                long start = used;
                int segments = 0;
                int first = i;
                do {
                    byte[] next = data.get(i);
                    MemorySegment.copy(next, 0, scratch.slab(), ValueLayout.JAVA_BYTE, used, next.length);
                    used += next.length;
                    segments++;
                    i++;
                    if (next.length < size) {
                        break;
                    }
                } while (gso && i < count && segments < GSO_MAX_SEGMENTS && data.get(i).length <= size
                        && used - start + data.get(i).length <= GSO_MAX_BYTES && used + data.get(i).length <= IoScratch.SLAB_BYTES
                        && to.get(i).equals(destination));
                MemorySegment iov = scratch.iovecs().asSlice((long) n * IoScratch.IOVEC_BYTES, IoScratch.IOVEC_BYTES);
                iov.set(ValueLayout.ADDRESS, 0, scratch.slab().asSlice(start, used - start));
                iov.set(ValueLayout.JAVA_LONG, 8, used - start);
                MemorySegment m = messages.asSlice((long) n * IoScratch.MMSGHDR_BYTES, IoScratch.MMSGHDR_BYTES);
                m.fill((byte) 0);
                m.set(ValueLayout.ADDRESS, 0, name);
                m.set(ValueLayout.JAVA_INT, 8, nameLength);
                m.set(ValueLayout.ADDRESS, 16, iov);
                m.set(ValueLayout.JAVA_LONG, 24, 1L);
                if (segments > 1) {
                    MemorySegment control = scratch.controls().asSlice((long) n * CMSG_SPACE_U16, CMSG_SPACE_U16);
                    control.fill((byte) 0);
                    control.set(ValueLayout.JAVA_LONG, 0, CMSG_LEN_U16); // cmsg_len
                    control.set(ValueLayout.JAVA_INT, 8, Libc.SOL_UDP); // cmsg_level
                    control.set(ValueLayout.JAVA_INT, 12, Libc.UDP_SEGMENT); // cmsg_type
                    control.set(ValueLayout.JAVA_SHORT, 16, (short) size); // the datagrams' size
                    m.set(ValueLayout.ADDRESS, 32, control);
                    m.set(ValueLayout.JAVA_LONG, 40, CMSG_SPACE_U16);
                }
                scratch.firstOfMessage[n] = first;
                scratch.segmentsOfMessage[n] = segments;
                n++;
            }
            int done = sendBatch(messages, n, scratch);
            for (int k = 0; k < done; k++) {
                taken += scratch.segmentsOfMessage[k];
            }
            if (done < n && scratch.gsoRefused) {
                // The route's device cannot take UDP GSO (EIO): from now on this socket sends without it,
                // starting again with the message that was refused.
                gso = false;
                scratch.gsoRefused = false;
                i = scratch.firstOfMessage[done];
                continue;
            }
            if (i < count && data.get(i).length > IoScratch.SLOT_BYTES) {
                byte[] big = data.get(i);
                taken += send(to.get(i), big, 0, big.length, scratch) ? 1 : 0;
                i++;
            }
        }
        return taken;
    }

    /** Whether this socket still sends runs with UDP_SEGMENT (turned off for good at the first EIO). */
    public boolean gso() {
        return gso;
    }

    private int sendBatch(MemorySegment messages, int n, IoScratch scratch) {
        int done = 0;
        try {
            for (int attempt = 0; attempt < 2 && done < n; attempt++) {
                while (done < n) {
                    int r = (int) Libc.SENDMMSG.invokeExact(scratch.errno, fd,
                            messages.asSlice((long) done * IoScratch.MMSGHDR_BYTES), n - done, 0);
                    if (r > 0) {
                        done += r;
                        continue;
                    }
                    int e = Libc.errno(scratch.errno);
                    if (e == Libc.EAGAIN && !closed) {
                        break; // Wait for room once, below.
                    }
                    if (e == Libc.EIO && scratch.segmentsOfMessage[done] > 1) {
                        scratch.gsoRefused = true;
                        return done;
                    }
                    // This datagram cannot go (no route, unreachable): skip it, as send() would drop it.
                    done++;
                }
                if (done < n) {
                    Libc.poll(scratch.pollFd, fd, Libc.POLLOUT, 10, scratch.errno);
                }
            }
            return done;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private boolean setDestination(Endpoint to, IoScratch scratch) {
        scratch.destinationLength = writeSockaddr(scratch.destination, family, to);
        return scratch.destinationLength > 0;
    }

    /**
     * Writes {@code to} as a sockaddr of {@code family} (IPv4 as ::ffff:a.b.c.d in an IPv6 one).
     *
     * @return the sockaddr's length, or -1 for an IPv6 address in an IPv4 sockaddr
     */
    private static int writeSockaddr(MemorySegment sockaddr, int family, Endpoint to) {
        sockaddr.fill((byte) 0);
        byte[] address = to.address().toByteArray();
        if (family == Libc.AF_INET6) {
            sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
            sockaddr.set(SHORT_BE, 2, (short) to.port());
            if (address.length == 4) {
                MemorySegment.copy(V4_MAPPED_PREFIX, 0, sockaddr, ValueLayout.JAVA_BYTE, 8, 12);
                MemorySegment.copy(address, 0, sockaddr, ValueLayout.JAVA_BYTE, 20, 4);
            } else {
                MemorySegment.copy(address, 0, sockaddr, ValueLayout.JAVA_BYTE, 8, 16);
            }
            return SOCKADDR_IN6_BYTES;
        }
        if (address.length != 4) {
            return -1; // An IPv6 peer on a host without IPv6.
        }
        sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
        sockaddr.set(SHORT_BE, 2, (short) to.port());
        MemorySegment.copy(address, 0, sockaddr, ValueLayout.JAVA_BYTE, 4, 4);
        return SOCKADDR_IN_BYTES;
    }

    /**
     * The local address the kernel would send from to reach {@code to} from a socket marked
     * {@code fwmark}: connect() on a fresh UDP socket chooses the route and source address, and
     * sends nothing. The mark matters because policy routing (wg-quick) sends unmarked packets into
     * the tunnel; the device's own are marked and leave by the underlay.
     *
     * @return 4 or 16 bytes, as {@code to}'s address; null when there is no route
     */
    public static byte[] sourceAddressFor(Endpoint to, int fwmark) {
        boolean v4 = to.address().length() == 4;
        int family = v4 ? Libc.AF_INET : Libc.AF_INET6;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(call);
            int fd = (int) Libc.SOCKET.invokeExact(errno, family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return null;
            }
            try {
                if (fwmark != 0) {
                    setOption(call, errno, fd, Libc.SOL_SOCKET, Libc.SO_MARK, fwmark, "SO_MARK (fwmark)");
                }
                MemorySegment address = call.allocate(SOCKADDR_IN6_BYTES);
                int length = writeSockaddr(address, family, to);
                if ((int) Libc.CONNECT.invokeExact(errno, fd, address, length) < 0) {
                    return null;
                }
                MemorySegment local = call.allocate(SOCKADDR_IN6_BYTES);
                MemorySegment localLength = call.allocate(ValueLayout.JAVA_INT);
                localLength.set(ValueLayout.JAVA_INT, 0, SOCKADDR_IN6_BYTES);
                if ((int) Libc.GETSOCKNAME.invokeExact(errno, fd, local, localLength) < 0) {
                    return null;
                }
                byte[] bytes = new byte[v4 ? 4 : 16];
                MemorySegment.copy(local, ValueLayout.JAVA_BYTE, v4 ? 4 : 8, bytes, 0, bytes.length);
                return bytes;
            } finally {
                Libc.close(fd);
            }
        } catch (IOException e) {
            return null; // Setting the mark needs CAP_NET_ADMIN, which the device has; without it, no answer.
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Sets the socket mark (fwmark) that policy routing uses to keep tunnel traffic out of the tunnel. */
    public void setMark(int fwmark) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            setOption(call, Libc.errnoSegment(call), fd, Libc.SOL_SOCKET, Libc.SO_MARK, fwmark, "SO_MARK (fwmark)");
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
