package dev.wirelab.datapath;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The client side of a UAPI socket (wireguard.com/xplatform), what {@code wg} does for a userspace
 * interface: one connection per request, {@code set=1} or {@code get=1}, read the reply to its
 * {@code errno=N} line and the empty line after it.
 *
 * <p>Bounded: a reply larger than {@link UapiReader#MAX_REQUEST_BYTES} is refused, and a device that
 * does not answer within the timeout has its connection closed.
 */
public final class UapiClient {
    private final Path socket;
    private final Duration timeout;

    public UapiClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** The client of interface {@code name} at /var/run/wireguard/NAME.sock, 10 s per request. */
    public static UapiClient forInterface(String name) {
        return new UapiClient(UapiServer.socketPathFor(name), Duration.ofSeconds(10));
    }

    public Path socket() {
        return socket;
    }

    /**
     * Sends a whole {@code set=1} request (ending in its empty line).
     *
     * @throws UapiException naming the errno when the device refuses it
     * @throws IOException when the socket cannot be reached
     */
    public void set(String request) throws IOException {
        if (!request.startsWith("set=1\n") || !request.endsWith("\n\n")) {
            throw new IllegalArgumentException("a set request starts with set=1 and ends with an empty line");
        }
        String body = exchange(request);
        if (!body.isEmpty()) {
            throw new UapiException("UAPI set on " + socket + ": unexpected reply lines before errno: " + body.strip(), 0);
        }
    }

    /** Sends {@code get=1}: the reply's key=value lines, each ending in a newline, without the errno line. */
    public String get() throws IOException {
        return exchange("get=1\n\n");
    }

    /** Whether something accepts connections on the socket now. */
    public boolean answers() {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String exchange(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Blocking channels have no read timeout: a watchdog closes the channel, which ends the read.
            Thread watchdog = Thread.ofVirtual().unstarted(() -> {
                try {
                    Thread.sleep(timeout);
                    ch.close();
                } catch (InterruptedException | IOException done) {
                    // Finished in time, or closing failed: nothing more to do either way.
                }
            });
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                watchdog.start();
                ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                return readReply(ch);
            } catch (java.nio.channels.AsynchronousCloseException e) {
                throw new IOException("UAPI socket " + socket + " did not answer within " + timeout.toMillis() + " ms");
            } finally {
                watchdog.interrupt();
            }
        }
    }

    private String readReply(SocketChannel ch) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (true) {
            buf.clear();
            int n = ch.read(buf);
            if (n > 0) {
                reply.write(buf.array(), 0, n);
                if (reply.size() > UapiReader.MAX_REQUEST_BYTES) {
                    throw new UapiException("UAPI reply on " + socket + " longer than " + UapiReader.MAX_REQUEST_BYTES
                            + " bytes", 0);
                }
            }
            String text = reply.toString(StandardCharsets.ISO_8859_1);
            int errnoAt = text.startsWith("errno=") ? 0 : text.indexOf("\nerrno=") + 1;
            if (errnoAt > 0 || text.startsWith("errno=")) {
                int end = text.indexOf("\n\n", errnoAt);
                if (end >= 0) {
                    return finish(text.substring(0, errnoAt), text.substring(errnoAt + "errno=".length(), end));
                }
            }
            if (n < 0) {
                throw new UapiException("UAPI socket " + socket + " closed before a complete reply: \""
                        + abbreviate(text) + "\"", 0);
            }
        }
    }

    private String finish(String body, String errnoText) throws UapiException {
        int errno;
        try {
            errno = Integer.parseInt(errnoText);
        } catch (NumberFormatException e) {
            throw new UapiException("UAPI reply on " + socket + " has a bad errno line: errno=" + abbreviate(errnoText), 0);
        }
        if (errno != 0) {
            throw new UapiException("UAPI request on " + socket + " refused: errno=" + errno + " (" + name(errno) + ")",
                    errno);
        }
        return body;
    }

    /** The symbolic name of a UAPI errno, either sign. */
    static String name(int errno) {
        return switch (-Math.abs(errno)) {
            case UapiErrno.EIO -> "EIO, reading or writing failed";
            case UapiErrno.EPROTO -> "EPROTO, malformed request";
            case UapiErrno.EINVAL -> "EINVAL, a value the device does not take";
            case UapiErrno.EADDRINUSE -> "EADDRINUSE, the listen port is taken";
            case UapiErrno.ENOANO -> "ENOANO, unexpected failure in the device";
            default -> "errno " + Math.abs(errno);
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
