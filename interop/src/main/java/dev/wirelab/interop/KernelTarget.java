package dev.wirelab.interop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel WireGuard interface inside a {@link KernelVm}, driven like {@link WgDevice}: only `wg` and
 * `ip`, run in the guest's shell (busybox `ip`, the host's `wg` binary). Peers are named by public key,
 * so any target (a WgDevice, another VM) can be this one's peer.
 */
public final class KernelTarget implements WireguardInterface, AutoCloseable {
    private final KernelVm vm;
    private final String ifname;
    private final String publicKey;

    private KernelTarget(KernelVm vm, String ifname, String publicKey) {
        this.vm = vm;
        this.ifname = ifname;
        this.publicKey = publicKey;
    }

    /**
     * Adds {@code ifname} (type wireguard) in the guest, gives it a private key made by `wg genkey` in
     * the guest (so it never crosses the console) and {@code listenPort}.
     */
    public static KernelTarget create(KernelVm vm, String ifname, int listenPort)
            throws IOException {
        vm.exec("ip link add " + quote(ifname) + " type wireguard");
        // The file lives only until the kernel holds the key; removed whether `wg set` worked or not.
        String keyFile = quote("/tmp/" + ifname + ".key");
        vm.exec("(umask 077 && wg genkey > " + keyFile + " && wg set " + quote(ifname) + " private-key " + keyFile
                + " listen-port " + listenPort + "); status=$?; rm -f " + keyFile + "; exit $status");
        String pub = vm.exec("wg show " + quote(ifname) + " public-key").strip();
        return new KernelTarget(vm, ifname, pub);
    }

    public KernelVm vm() {
        return vm;
    }

    @Override
    public String ifname() {
        return ifname;
    }

    @Override
    public String publicKey() {
        return publicKey;
    }

    /** Runs `wg ARGS` in the guest and returns its output; a non-zero exit is an IOException. */
    @Override
    public String wg(String... args) throws IOException {
        return vm.exec(commandLine("wg", args));
    }

    /** Runs busybox `ip ARGS` in the guest and returns its output; a non-zero exit is an IOException. */
    @Override
    public String ip(String... args) throws IOException {
        return vm.exec(commandLine("ip", args));
    }

    @Override
    public void setKey(String base64, String... args) throws IOException {
        // A test key: it crosses the VM's console, as nothing secret may.
        String file = quote("/tmp/" + ifname + ".key");
        String[] set = new String[args.length + 2];
        set[0] = "set";
        set[1] = ifname;
        System.arraycopy(args, 0, set, 2, args.length);
        vm.exec("(umask 077 && echo " + quote(base64) + " > " + file + " && " + commandLine("wg", set) + " " + file
                + "); status=$?; rm -f " + file + "; exit $status");
    }

    /** Gives the interface tunnel addresses (CIDR) and brings it up. */
    public void up(String... addresses) throws IOException {
        for (String a : addresses) {
            ip("address", "add", a, "dev", ifname);
        }
        ip("link", "set", ifname, "up");
    }

    /** Adds the peer {@code peerPublicKey} with allowed IPs (comma list) and, unless null, an endpoint. */
    public void addPeer(String peerPublicKey, String endpoint, String allowedIps)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("set", ifname, "peer", peerPublicKey, "allowed-ips", allowedIps));
        if (endpoint != null) {
            args.addAll(List.of("endpoint", endpoint));
        }
        wg(args.toArray(String[]::new));
    }

    /** `wg show IFNAME FIELD` as peer key → value (latest-handshakes, transfer, endpoints, …). */
    public Map<String, String> show(String field) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : wg("show", ifname, field).split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                m.put(line.substring(0, tab), line.substring(tab + 1).strip());
            }
        }
        return m;
    }

    /** The latest handshake with {@code peerPublicKey}, in Unix seconds of the guest's clock (0: none yet). */
    public long latestHandshake(String peerPublicKey) throws IOException {
        return Long.parseLong(show("latest-handshakes").getOrDefault(peerPublicKey, "0"));
    }

    /** Bytes received from and sent to {@code peerPublicKey}: {rx, tx}. */
    public long[] transfer(String peerPublicKey) throws IOException {
        String value = show("transfer").get(peerPublicKey);
        if (value == null) {
            throw new IOException(ifname + " in the guest has no peer " + peerPublicKey);
        }
        String[] f = value.split("\t");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    /** Deletes the interface in the guest, so the next test starts without its keys, peers and sessions. */
    @Override
    public void close() throws IOException {
        ip("link", "del", ifname);
    }

    @Override
    public String toString() {
        return "kernel " + ifname + " in " + vm;
    }

    private static String commandLine(String tool, String... args) {
        StringBuilder b = new StringBuilder(tool);
        for (String a : args) {
            b.append(' ').append(quote(a));
        }
        return b.toString();
    }

    /** Single-quotes {@code s} for the guest's sh. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
