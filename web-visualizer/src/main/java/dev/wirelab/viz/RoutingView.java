package dev.wirelab.viz;

import dev.wirelab.engine.allowedips.AllowedIps;
import dev.wirelab.engine.allowedips.Prefix;
import java.util.ArrayList;
import java.util.List;

/**
 * Section 3: cryptokey routing. The page sends its (edited) peer table and an address; the answer
 * is what the engine's {@link AllowedIps} trie says, the same table the Device routes with:
 * outbound, which peer owns the longest prefix holding the destination; inbound, whether a packet
 * from that address would be accepted from a given peer.
 */
final class RoutingView {
    private RoutingView() {}

    /** A row of the peer table as the page edits it; AllowedIPs as wg-quick writes them. */
    record PeerRow(String name, String endpoint, List<String> allowedIps) {}

    record Request(List<PeerRow> peers, String address, String from) {}

    /** One AllowedIPs entry: {@code contains} whether it holds the address; {@code winner} the entry that routes it. */
    record Entry(String peer, String prefix, int cidr, boolean contains, boolean winner) {}

    /**
     * @param peer     the owner of the longest matching prefix, by the trie; null: no route, dropped
     * @param prefix   that prefix (the longest of the winner's prefixes holding the address)
     * @param inbound  when {@code from} was given: the trie's owner of the address as a source, and
     *                 whether a decrypted packet from {@code from} with this source would be accepted
     */
    record Answer(String address, String peer, String prefix, List<Entry> entries, Inbound inbound) {}

    record Inbound(String from, String owner, boolean accepted) {}

    /** The table the page starts with: the seed page's laptop, with a second peer and a default route to show longest-prefix match. */
    static List<PeerRow> defaultTable() {
        return List.of(
                new PeerRow("VPN server", dev.wirelab.engine.EnginePair.ENDPOINT_R.toString(), List.of(Lab.SERVER_ALLOWED_IPS, Lab.SERVER_ALLOWED_IPS6)),
                new PeerRow("office", "203.0.113.5:51820", List.of("10.0.0.128/25", "192.168.10.0/24")),
                new PeerRow("exit node", "198.51.100.9:51820", List.of("0.0.0.0/0")));
    }

    /**
     * @throws IllegalArgumentException naming the bad prefix or address, for the page to show
     */
    static Answer route(Request request) {
        AllowedIps<String> table = new AllowedIps<>();
        List<Entry> entries = new ArrayList<>();
        List<Prefix> prefixes = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        for (PeerRow row : request.peers()) {
            for (String text : row.allowedIps()) {
                Prefix p = Prefix.parse(text.strip());
                // As in the kernel, a prefix given twice ends with its last owner.
                table.insert(p, row.name());
                prefixes.add(p);
                owners.add(row.name());
            }
        }
        byte[] address = address(request.address());
        String winner = table.lookup(address);
        Prefix best = null;
        for (Prefix p : table.prefixesOf(winner)) {
            if (p.contains(address) && (best == null || p.cidr() > best.cidr())) {
                best = p;
            }
        }
        for (int i = 0; i < prefixes.size(); i++) {
            Prefix p = prefixes.get(i);
            boolean owned = owners.get(i).equals(table.owner(p));
            entries.add(new Entry(owners.get(i), p.toString(), p.cidr(), p.contains(address),
                    owned && p.equals(best) && owners.get(i).equals(winner)));
        }
        Inbound inbound = null;
        if (request.from() != null && !request.from().isBlank()) {
            inbound = new Inbound(request.from(), winner, request.from().equals(winner));
        }
        return new Answer(request.address(), winner, best == null ? null : best.toString(), List.copyOf(entries), inbound);
    }

    /** An IPv4 or IPv6 address in text, without a cidr. */
    static byte[] address(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() || t.contains("/")) {
            throw new IllegalArgumentException("not an IP address: \"" + text + "\"");
        }
        try {
            return Prefix.parse(t + (t.contains(":") ? "/128" : "/32")).address().toByteArray();
        } catch (IllegalArgumentException e) {
            // Prefix's message would name the "/32" added here, which the user never typed.
            throw new IllegalArgumentException("not an IP address: \"" + text + "\"");
        }
    }
}
