package dev.wirelab.interop;

import java.io.IOException;

/** A veth pair between two namespaces, each end with an IPv4 and an IPv6 address, up. */
public record Veth(Netns a, String nameA, Netns b, String nameB) {
    /**
     * Links {@code a} and {@code b}; {@code cidrA}/{@code cidrB} are addresses with prefix length
     * (documentation ranges: 192.0.2.0/24, fd00::/8). More addresses may follow each.
     */
    public static Veth link(Netns a, Netns b, String[] cidrsA, String[] cidrsB) throws IOException {
        String nameA = Names.interfaceName("va");
        String nameB = Names.interfaceName("vb");
        Command.run("ip", "link", "add", nameA, "netns", a.name(), "type", "veth", "peer", nameB, "netns", b.name());
        for (String c : cidrsA) {
            addAddress(a, nameA, c);
        }
        for (String c : cidrsB) {
            addAddress(b, nameB, c);
        }
        a.run("ip", "link", "set", nameA, "up");
        b.run("ip", "link", "set", nameB, "up");
        return new Veth(a, nameA, b, nameB);
    }

    /** Adds an address; IPv6 ones skip duplicate address detection so they work at once. */
    public static void addAddress(Netns ns, String dev, String cidr) throws IOException {
        if (cidr.contains(":")) {
            ns.run("ip", "address", "add", cidr, "dev", dev, "nodad");
        } else {
            ns.run("ip", "address", "add", cidr, "dev", dev);
        }
    }
}
