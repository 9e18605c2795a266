package dev.wirelab.viz;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * The frames of a capture file, read by libpcap through pcap4j: classic pcap (microsecond or
 * nanosecond, either byte order) as wirelab and tcpdump write it, and pcapng as dumpcap and
 * Wireshark write it. Only the container is read here; {@link CaptureLayers} takes each frame apart.
 *
 * @param linkType the file's link-layer header type (LINKTYPE/DLT number)
 * @param frames   in file order, numbered from 1 as Wireshark numbers them
 * @param problem  why reading stopped before the end of the file (a truncated last frame), or null
 */
record CaptureFile(int linkType, List<Frame> frames, String problem) {
    /** Largest capture accepted: a page of the size a person steps through, read within a second or two. */
    public static final int BYTES_MAX = 16 << 20;
    /** Frames read at most; the rest of a longer file is left out and the page says so. */
    public static final int FRAMES_MAX = 5_000;

    /**
     * One frame as captured.
     *
     * @param originalLength its length on the wire, more than {@code data.length} when the capture's
     *                       snap length cut it
     */
    public record Frame(int number, long epochNanos, byte[] data, int originalLength) {}

    /** Reads {@code bytes}, the contents of the file named {@code name} (for messages). */
    public static CaptureFile read(String name, byte[] bytes) {
        if (bytes.length > BYTES_MAX) {
            throw new CaptureError(name + ": " + bytes.length + " bytes; captures are read up to " + BYTES_MAX
                    + " bytes (cut a long one with editcap -r)");
        }
        if (bytes.length < 24) {
            throw new CaptureError(name + ": " + bytes.length + " bytes is too short for a pcap or pcapng file header");
        }
        // libpcap reads from a file: a private temporary one, removed at once.
        Path file = null;
        try {
            file = Files.createTempFile("wirelab-capture", ".pcap");
            Files.write(file, bytes);
            return read(name, file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not stage the uploaded capture in a temporary file", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    private static CaptureFile read(String name, Path file) {
        PcapHandle handle;
        try {
            handle = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            throw new CaptureError(name + ": not a capture libpcap can read (" + e.getMessage()
                    + "); save it as pcap or pcapng");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IllegalStateException("reading captures needs libpcap (Debian: apt-get install libpcap0.8)", e);
        }
        try {
            int linkType = handle.getDlt().value();
            List<Frame> frames = new ArrayList<>();
            String problem = null;
            while (true) {
                int number = frames.size() + 1;
                if (number > FRAMES_MAX) {
                    problem = "only the first " + FRAMES_MAX + " frames are read";
                    break;
                }
                byte[] data;
                try {
                    data = handle.getNextRawPacketEx();
                } catch (EOFException e) {
                    break;
                } catch (PcapNativeException | IllegalArgumentException e) {
                    // libpcap refuses a damaged record; pcap4j refuses a timestamp whose fraction is a second or more.
                    String why = e instanceof IllegalArgumentException ? "its timestamp is damaged (" + e.getMessage() + ")" : e.getMessage();
                    if (frames.isEmpty()) {
                        throw new CaptureError(name + ": frame 1: " + why);
                    }
                    problem = "frame " + number + ": " + why + " (the frames before it are shown)";
                    break;
                } catch (TimeoutException e) {
                    throw new IllegalStateException("libpcap timed out reading a file", e);
                }
                Timestamp t = handle.getTimestamp();
                long nanos = Math.floorDiv(t.getTime(), 1000L) * 1_000_000_000L + t.getNanos();
                Integer original = handle.getOriginalLength();
                frames.add(new Frame(number, nanos, data, original == null ? data.length : original));
            }
            return new CaptureFile(linkType, List.copyOf(frames), problem);
        } catch (NotOpenException e) {
            throw new IllegalStateException(e);
        } finally {
            handle.close();
        }
    }
}
