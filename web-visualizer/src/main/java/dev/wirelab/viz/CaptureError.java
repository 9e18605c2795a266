package dev.wirelab.viz;

/**
 * A pcap or key log the visualizer cannot read at all. The message names the file and the line (key
 * log) or frame (pcap) and says what to do; the server answers it as a 400 for the page to show.
 */
final class CaptureError extends RuntimeException {
    CaptureError(String message) {
        super(message);
    }
}
