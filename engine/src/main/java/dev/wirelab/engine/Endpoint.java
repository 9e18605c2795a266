package dev.wirelab.engine;

/**
 * A UDP endpoint: IPv4 (4 bytes) or IPv6 (16 bytes) address and port. The engine's own type
 * because it must not touch java.net; the datapath converts at its edge.
 */
public record Endpoint(Bytes address, int port) {
    public Endpoint {
        if (address.length() != 4 && address.length() != 16) {
            throw new IllegalArgumentException("an address is 4 or 16 bytes, got " + address.length());
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Parses "a.b.c.d:port" (IPv4 only; IPv6 endpoints come from the datapath as bytes). */
    public static Endpoint ipv4(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String[] parts = hostPort.substring(0, colon).split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + hostPort);
        }
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(parts[i]);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + hostPort);
            }
            a[i] = (byte) v;
        }
        return new Endpoint(Bytes.wrap(a), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** The cookie input: address bytes then the port in network byte order, as the kernel hashes it. */
    public byte[] cookieInput() {
        byte[] out = new byte[address.length() + 2];
        address.copyTo(out, 0);
        out[out.length - 2] = (byte) (port >>> 8);
        out[out.length - 1] = (byte) port;
        return out;
    }

    @Override
    public String toString() {
        if (address.length() == 4) {
            return (address.get(0) & 0xff) + "." + (address.get(1) & 0xff) + "." + (address.get(2) & 0xff)
                    + "." + (address.get(3) & 0xff) + ":" + port;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString((address.get(i) & 0xff) << 8 | (address.get(i + 1) & 0xff)));
        }
        return sb.append("]:").append(port).toString();
    }
}
