package dev.wirelab.datapath;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux TUN device (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR): each read returns one frame the kernel
 * routed into the interface, each write hands one IP packet to the kernel as if it arrived on it.
 * Frames start with a virtio-net header: with the TCP segmentation and checksum offloads turned on
 * ({@link #offloads}), a frame may stand for many TCP packets, which {@link TunOffload#unpack} cuts
 * apart; see there for why. The interface
 * exists as long as this descriptor is open (it is not made persistent), so a crashed process
 * leaves nothing behind, and `ip link del` of the interface ends {@link #read} with {@link #GONE}.
 *
 * <p>One thread reads, any number write (each with its own {@link IoScratch}); the descriptor is non-blocking and readers wait in
 * {@code poll} so that {@link #close} can stop them within one poll interval.
 */
public final class Tun extends NativeDescriptor {
    /** Linux's IFNAMSIZ minus the terminating NUL. */
    public static final int MAX_NAME_LENGTH = 15;
    /** What wireguard-go and wg-quick give a new interface. */
    public static final int DEFAULT_MTU = 1420;
    /** {@link #read} result: the interface was deleted (or the descriptor broke). */
    public static final int GONE = -1;

    private static final long TUNSETIFF = 0x400454caL;
    /** _IOW('T', 208, unsigned int); its argument is the flags themselves, not a pointer. */
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    private static final long SIOCGIFMTU = 0x8921L;
    private static final long SIOCSIFMTU = 0x8922L;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    /** Longest frame a read returns: the virtio-net header and an IP packet of up to 64 KiB. */
    public static final int MAX_FRAME_BYTES = TunOffload.HEADER_BYTES + 65_535;
    private static final int IFREQ_BYTES = 40;
    private static final int IFREQ_FLAGS_OFFSET = 16;

    private final String name;
    private final MemorySegment readErrno = Libc.errnoSegment(arena);
    private final MemorySegment pollFd = arena.allocate(Libc.POLLFD);

    private final boolean offloads;

    private Tun(String name, int fd, boolean offloads) {
        super(fd);
        this.name = name;
        this.offloads = offloads;
    }

    /**
     * Creates interface {@code name} and gives it {@link #DEFAULT_MTU}.
     *
     * @throws IOException with a message that says what to do: not root, no /dev/net/tun, name taken
     */
    public static Tun create(String name) throws IOException {
        checkName(name);
        if (Files.exists(Path.of("/sys/class/net", name))) {
            throw new IOException("interface " + name + " already exists: pick another name, or remove it with `ip link del "
                    + name + "` if it is left over");
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(call);
            int fd = (int) Libc.OPEN.invokeExact(errno, call.allocateFrom("/dev/net/tun"),
                    Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                int e = Libc.errno(errno);
                throw new Libc.NativeException(switch (e) {
                    case Libc.ENOENT -> "/dev/net/tun does not exist: load the tun module (`modprobe tun`) or create "
                            + "the node (`mkdir -p /dev/net && mknod /dev/net/tun c 10 200`)";
                    case Libc.EACCES, Libc.EPERM -> "cannot open /dev/net/tun (" + Libc.strerror(e)
                            + "): run as root, or with CAP_NET_ADMIN";
                    default -> "cannot open /dev/net/tun: " + Libc.strerror(e);
                }, e);
            }
            MemorySegment ifreq = call.allocate(IFREQ_BYTES);
            ifreq.copyFrom(MemorySegment.ofArray(name.getBytes(StandardCharsets.US_ASCII)));
            ifreq.set(ValueLayout.JAVA_SHORT, IFREQ_FLAGS_OFFSET, (short) (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR));
            int r = (int) Libc.IOCTL.invokeExact(errno, fd, TUNSETIFF, ifreq);
            if (r < 0) {
                int e = Libc.errno(errno);
                Libc.close(fd);
                throw new Libc.NativeException(switch (e) {
                    case Libc.EPERM, Libc.EACCES -> "cannot create TUN interface " + name + " (" + Libc.strerror(e)
                            + "): run as root, or with CAP_NET_ADMIN";
                    case Libc.EBUSY, Libc.EINVAL -> "cannot create TUN interface " + name + " (" + Libc.strerror(e)
                            + "): the name is taken by another device; pick another name";
                    default -> "cannot create TUN interface " + name + ": " + Libc.strerror(e);
                }, e);
            }
            // Without the offloads (a kernel that refuses them) frames still carry the header, all zero.
            boolean offloads = (int) Libc.IOCTL.invokeExact(errno, fd, TUNSETOFFLOAD,
                    MemorySegment.ofAddress(TunOffload.TUN_F_CSUM | TunOffload.TUN_F_TSO4 | TunOffload.TUN_F_TSO6)) == 0;
            Tun tun = new Tun(name, fd, offloads);
            try {
                setMtu(name, DEFAULT_MTU);
            } catch (IOException | RuntimeException e) {
                tun.close();
                throw e;
            }
            return tun;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Refuses names the kernel would refuse, with the reason. */
    public static void checkName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1 to " + MAX_NAME_LENGTH
                    + " characters long");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' is not allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c > '~' || c == '/' || c == ':') {
                throw new IllegalArgumentException("interface name '" + name
                        + "' may not contain '/', ':', spaces or non-ASCII characters");
            }
        }
    }

    public String name() {
        return name;
    }

    /** Whether the kernel agreed to hand over unsegmented TCP with checksums left to us. */
    public boolean offloads() {
        return offloads;
    }

    /**
     * Reads one frame (virtio-net header and packet, for {@link TunOffload#unpack}) into {@code buffer}
     * ({@link #MAX_FRAME_BYTES} long), waiting at most {@code timeoutMillis}.
     *
     * @return the frame's length, 0 when nothing came in time, or {@link #GONE}
     */
    public int read(byte[] buffer, int timeoutMillis) {
        try {
            // Read first and poll only when nothing is there: under load every read finds a packet,
            // and a poll per packet would double the system calls on the hot path.
            for (int attempt = 0; attempt < 2; attempt++) {
                long n = (long) Libc.READ.invokeExact(readErrno, fd, MemorySegment.ofArray(buffer), (long) buffer.length);
                if (n >= 0) {
                    return (int) n;
                }
                int e = Libc.errno(readErrno);
                if (e != Libc.EAGAIN && e != Libc.EINTR) {
                    return GONE; // EBADFD and friends: the interface was removed.
                }
                if (attempt == 1 || closed || timeoutMillis == 0) {
                    return 0;
                }
                int revents = Libc.poll(pollFd, fd, Libc.POLLIN, timeoutMillis, readErrno);
                if (revents == 0) {
                    return 0;
                }
                if ((revents & Libc.POLLIN) == 0) {
                    return GONE; // POLLERR/POLLHUP without data: the interface was removed.
                }
            }
            return 0;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Hands one IP packet to the kernel, using {@code scratch} (the calling thread's). A full queue
     * drops it, as a NIC would. Threads may write at once (each write is one packet).
     *
     * @return whether the kernel took it
     */
    public boolean write(byte[] packet, int offset, int length, IoScratch scratch) {
        if (length > 65_535) {
            return false;
        }
        byte[] frame = scratch.tunFrame;
        TunOffload.writeHeader(frame, 0);
        System.arraycopy(packet, offset, frame, TunOffload.HEADER_BYTES, length);
        return writeFrame(frame, TunOffload.HEADER_BYTES + length, scratch);
    }

    /** Hands the kernel one frame: a virtio-net header and its packet (see {@link TunCoalescer}). */
    boolean writeFrame(byte[] frame, int length, IoScratch scratch) {
        try {
            long n = (long) Libc.WRITE.invokeExact(scratch.errno, fd, MemorySegment.ofArray(frame).asSlice(0, length),
                    (long) length);
            return n == length;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The interface's MTU as the kernel has it now (someone may have run `ip link set mtu`). */
    public static int mtu(String name) throws IOException {
        return ifreqInt(name, SIOCGIFMTU, 0, false);
    }

    public static void setMtu(String name, int mtu) throws IOException {
        ifreqInt(name, SIOCSIFMTU, mtu, true);
    }

    private static int ifreqInt(String name, long request, int value, boolean set) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(call);
            int sock = (int) Libc.SOCKET.invokeExact(errno, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (sock < 0) {
                throw new Libc.NativeException("socket: " + Libc.strerror(Libc.errno(errno)), Libc.errno(errno));
            }
            try {
                MemorySegment ifreq = call.allocate(IFREQ_BYTES);
                ifreq.copyFrom(MemorySegment.ofArray(name.getBytes(StandardCharsets.US_ASCII)));
                ifreq.set(ValueLayout.JAVA_INT, IFREQ_FLAGS_OFFSET, value);
                if ((int) Libc.IOCTL.invokeExact(errno, sock, request, ifreq) < 0) {
                    int e = Libc.errno(errno);
                    throw new Libc.NativeException((set ? "setting the MTU of " : "reading the MTU of ") + name + ": "
                            + Libc.strerror(e), e);
                }
                return ifreq.get(ValueLayout.JAVA_INT, IFREQ_FLAGS_OFFSET);
            } finally {
                Libc.close(sock);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
