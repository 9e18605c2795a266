package dev.wirelab.viz;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.message.CookieReply;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.Malformed;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.message.TransportData;
import java.util.ArrayList;
import java.util.List;

/**
 * Section 7, real captures: a pcap (or pcapng) and a WireGuard key log, from {@code wirelab device
 * --capture --keylog}, {@code wirelab run --pcap --keylog}, wireguard-go or a Wireshark user, taken
 * apart frame by frame. Every frame gets a row: a WireGuard message with its bytes explained and,
 * when the key log allows, its handshake's C and H or its decrypted inner packet; any other frame
 * says why it is not shown as one. Nothing a file holds makes this throw anything but
 * {@link CaptureError} for a file that cannot be read at all.
 */
final class CaptureView {
    private CaptureView() {}

    /** Message names as the page and the whitepaper use them. */
    static final String[] TYPE_NAMES = {"", "handshake initiation", "handshake response", "cookie reply", "transport data"};

    /**
     * One frame of the capture.
     *
     * @param type        WireGuard message type 1-4, or 0 when the frame is not a WireGuard message
     * @param decrypted   whether the keys opened it
     * @param reason      why it is not shown decrypted (not WireGuard, no key, …), null when it is
     * @param bytes       the WireGuard message, every byte explained (null when not WireGuard)
     * @param inner       the decrypted inner IP packet, every byte explained (null when none)
     */
    record Row(int frame, long epochNanos, String from, String to, int type, String summary, boolean decrypted,
            String reason, List<JourneyView.Value> values, List<CaptureDecryption.Step> noise, Annotated bytes,
            Annotated inner) {}

    record Loaded(String pcapName, String linkType, int frames, int wireguardMessages, int decrypted, String problem,
            String keys, List<Row> rows) {}

    static Loaded load(String pcapName, byte[] pcap, String keylogName, String keylog) {
        CaptureKeylog keys = keylog == null || keylog.isBlank() ? CaptureKeylog.empty() : CaptureKeylog.parse(keylogName, keylog);
        CaptureFile file;
        List<Row> rows = new ArrayList<>();
        int messages = 0;
        int decrypted = 0;
        try {
            file = CaptureFile.read(pcapName, pcap);
            CaptureDecryption decryption = new CaptureDecryption(keys);
            for (CaptureFile.Frame frame : file.frames()) {
                Row row = row(file.linkType(), frame, decryption);
                rows.add(row);
                messages += row.type() == 0 ? 0 : 1;
                decrypted += row.decrypted() ? 1 : 0;
            }
        } finally {
            keys.destroy();
        }
        String keyCounts = keys.localStatics().size() + " local static private, " + keys.remoteStatics().size()
                + " remote static public and " + keys.ephemerals().size() + " ephemeral private keys";
        return new Loaded(pcapName, CaptureLayers.linkTypeName(file.linkType()), file.frames().size(), messages, decrypted,
                file.problem(), keyCounts, rows);
    }

    private static Row row(int linkType, CaptureFile.Frame frame, CaptureDecryption decryption) {
        int number = frame.number();
        String snapped = frame.originalLength() > frame.data().length
                ? " (" + frame.data().length + " of its " + frame.originalLength() + " bytes were captured)" : "";
        if (!(CaptureLayers.udp(linkType, frame.data()) instanceof CaptureLayers.Found(var udp))) {
            String reason = ((CaptureLayers.NotUdp) CaptureLayers.udp(linkType, frame.data())).reason();
            return new Row(number, frame.epochNanos(), "", "", 0, "not a UDP datagram", false, reason + snapped, List.of(),
                    List.of(), null, null);
        }
        byte[] payload = udp.payload(frame.data());
        var parsed = MessageCodec.parse(payload);
        if (parsed instanceof Malformed(var why, var length)) {
            return new Row(number, frame.epochNanos(), udp.from(), udp.to(), 0, "UDP, " + payload.length + " bytes", false,
                    "not a WireGuard message: " + why.description() + snapped, List.of(), List.of(), null, null);
        }
        Annotated bytes = Annotated.message(TYPE_NAMES[payload[0]], payload);
        CaptureDecryption.Opened opened = switch (parsed) {
            case Initiation m -> decryption.initiation(number, udp.from(), m, payload);
            case Response m -> decryption.response(number, udp.from(), m, payload);
            case TransportData m -> decryption.transport(number, m);
            case CookieReply m -> decryption.cookieReply(number, m);
            case Malformed m -> throw new IllegalStateException("handled above");
        };
        String summary = TYPE_NAMES[payload[0]] + summary(opened);
        Annotated inner = opened.inner() == null || opened.inner().length == 0 ? null
                : new Annotated("decrypted inner packet", Bytes.of(opened.inner()).hex(),
                        IpLayout.packet(opened.inner(), "decrypted", null));
        return new Row(number, frame.epochNanos(), udp.from(), udp.to(), payload[0], summary, opened.decrypted(),
                opened.reason(), opened.values(), opened.noise(), bytes, inner);
    }

    private static String summary(CaptureDecryption.Opened o) {
        for (JourneyView.Value v : o.values()) {
            if (o.decrypted() && v.name().equals("S_pub_i (initiator)")) {
                return ", initiator " + v.text().substring(0, 8) + "…";
            }
            if (o.decrypted() && v.name().equals("answers")) {
                return ", answers " + v.text().replaceFirst("^the ", "");
            }
        }
        if (o.inner() == null) {
            return "";
        }
        if (o.inner().length == 0) {
            return ", keepalive";
        }
        byte[] p = o.inner();
        int version = (p[0] & 0xff) >>> 4;
        if (version == 4 && p.length >= IpLayout.IPV4_HEADER) {
            return ", " + IpLayout.protocolName(p[9] & 0xff) + " " + IpLayout.dotted(p, 12) + " → " + IpLayout.dotted(p, 16);
        }
        if (version == 6 && p.length >= IpLayout.IPV6_HEADER) {
            return ", " + IpLayout.protocolName(p[6] & 0xff) + " " + IpLayout.text(p, 8, 16) + " → " + IpLayout.text(p, 24, 16);
        }
        return ", " + p.length + " bytes, not IP";
    }
}
