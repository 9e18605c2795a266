package dev.wirelab.conformance;

import java.util.List;
import java.util.Optional;

/**
 * The known differences between WireGuard implementations, each with where it is written. A check
 * that sees one of them says so ({@link Check.Outcome#differs}); the cell is DIFFERS only when the
 * target is declared to have that difference here, and FAIL otherwise: a difference nobody declared
 * is a defect until someone shows where it comes from. conformance/DIFFERENCES.md is this table
 * (DifferencesTest keeps it so).
 */
public final class Differences {
    /**
     * @param key       what a check reports when it sees this difference
     * @param targets   the targets declared to have it, by --target name
     * @param what      the difference, against the kernel's behaviour
     * @param source    where each side is written
     * @param observed  the check that observes it, or empty where none does yet
     */
    public record Difference(String key, List<String> targets, String what, String source, String observed) {
    }

    public static final List<Difference> ALL = List.of(
            new Difference("tai64n-boringtun", List.of("wirelab:boringtun"),
                    "initiation timestamps use TAI64N base 2^62 + 37 and nanoseconds as read; the kernel and wireguard-go"
                            + " use 2^62 + 10 and round the nanoseconds down to a multiple of 2^24",
                    "boringtun src/noise/handshake.rs (TAI64N_BASE, Tai64N::now); kernel drivers/net/wireguard/noise.c"
                            + " (tai64n_now); wireguard-go tai64n/tai64n.go (whitenerMask)",
                    "initiation-timestamp"),
            new Difference("rate-limiter-global", List.of("wirelab:boringtun"),
                    "under load, one count of handshakes per second for the whole device instead of a token bucket per"
                            + " source address (20/s, burst 5, IPv6 per /64)",
                    "boringtun src/noise/rate_limiter.rs; kernel drivers/net/wireguard/ratelimiter.c; wireguard-go"
                            + " ratelimiter/ratelimiter.go", "rate-limit-under-load"),
            new Difference("cookie-secret-128s", List.of("wirelab:boringtun"),
                    "the cookie secret is renewed every 128 s instead of 120 s",
                    "boringtun src/noise/rate_limiter.rs (COOKIE_REFRESH); kernel cookie.h (COOKIE_SECRET_MAX_AGE)", ""),
            new Difference("no-peer-silent", List.of("wireguard-go", "wireguard-go-2023", "wirelab", "wirelab:reference",
                    "wirelab:wireguard-go", "wirelab:boringtun"),
                    "a packet whose destination is in no peer's AllowedIPs is dropped in silence; the kernel also tells the local"
                            + " sender: the send fails with ENOKEY and ICMP host unreachable comes back (ping says so at once)",
                    "kernel drivers/net/wireguard/device.c (wg_xmit: icmp_ndo_send ICMP_HOST_UNREACH); wireguard-go"
                            + " device/send.go (RoutineReadFromTUN: no peer, the packet is dropped); wirelab Device.onOutbound"
                            + " (DropReason.NO_ROUTE), which follows wireguard-go here",
                    "no-peer-for-destination"),
            new Difference("reject-after-messages-go", List.of("wireguard-go", "wireguard-go-2023", "wirelab:wireguard-go"),
                    "REJECT_AFTER_MESSAGES is 2^64 - 2^13 - 1 instead of 2^64 - 8128 - 2",
                    "wireguard-go device/constants.go (RejectAfterMessages); kernel messages.h", ""));

    private Differences() {
    }

    /** The difference {@code key} as declared for {@code target}, if it is. */
    public static Optional<Difference> declared(String target, String key) {
        return ALL.stream().filter(d -> d.key().equals(key) && d.targets().contains(target)).findFirst();
    }

    /** The table in Markdown, as conformance/DIFFERENCES.md holds it. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder("# Known differences between WireGuard implementations\n\n")
                .append("A conformance cell is DIFFERS only where the check measured one of these and the target is declared\n")
                .append("to have it; a difference not declared here is a FAIL. Made from conformance's Differences.java\n")
                .append("(DifferencesTest keeps this file equal to it).\n\n")
                .append("| difference | targets | what | source | observed by |\n| --- | --- | --- | --- | --- |\n");
        for (Difference d : ALL) {
            sb.append("| `").append(d.key()).append("` | ").append(String.join(", ", d.targets())).append(" | ")
                    .append(d.what()).append(" | ").append(d.source()).append(" | ")
                    .append(d.observed().isEmpty() ? "no check yet" : "`" + d.observed() + "`").append(" |\n");
        }
        return sb.toString();
    }
}
