package dev.wirelab.datapath;

import java.nio.file.Path;

/**
 * Where a {@link UserspaceDevice} records what it did on the wire, so a real session can be read
 * in Wireshark: {@code pcap}, every UDP datagram its socket sent or received; {@code keylog}, a
 * Wireshark WireGuard key log (mode 0600) with the keys of every handshake it took part in. Either
 * may be null (not recorded).
 *
 * <p>Security: the key log holds the device's static private key and each session's ephemeral
 * private key in clear; anyone who reads it can decrypt the capture (and, with the static key,
 * impersonate the device). Ask for it on test keys or on a machine you trust.
 */
public record CaptureFiles(Path pcap, Path keylog) {
    public static final CaptureFiles NONE = new CaptureFiles(null, null);

    public boolean any() {
        return pcap != null || keylog != null;
    }
}
