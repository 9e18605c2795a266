package dev.wirelab.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One running WireGuard interface of some {@link Implementation} inside a {@link Netns}, driven with
 * the stock `wg` and `ip` tools only, the way a person would.
 */
public final class WgDevice implements WireguardInterface {
    private static final long START_SECONDS = 30;

    private final Netns ns;
    private final String ifname;
    private final Implementation implementation;
    private final Proc process;
    private final String privateKey;
    private final String publicKey;

    private WgDevice(Netns ns, String ifname, Implementation implementation, Proc process, String privateKey,
            String publicKey) {
        this.ns = ns;
        this.ifname = ifname;
        this.implementation = implementation;
        this.process = process;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * Starts {@code implementation} as a new interface in {@code ns}, waits until its UAPI socket answers
     * `wg show`, and gives it a fresh private key and {@code listenPort}.
     */
    public static WgDevice start(Netns ns, Implementation implementation, String ifnamePrefix, int listenPort,
            Path logDir) throws IOException, InterruptedException {
        String ifname = Names.interfaceName(ifnamePrefix);
        Path log = logDir.resolve(implementation.name().replaceAll("[^A-Za-z0-9._-]+", "_") + "-" + ifname + ".log");
        Files.createDirectories(logDir);
        Proc p = ns.start(implementation.command(ifname), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (true) {
            if (!p.alive()) {
                throw new IOException(implementation.name() + " " + ifname + " exited at start with status "
                        + p.awaitExit(1, TimeUnit.SECONDS) + "; " + CONTRACT + "; its output:\n" + tail(p.log()));
            }
            if (Files.exists(Path.of("/var/run/wireguard", ifname + ".sock"))
                    && ns.tryRun("wg", "show", ifname).ok()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                p.stop();
                throw new IOException(implementation.name() + " " + ifname + " did not answer on /var/run/wireguard/"
                        + ifname + ".sock within " + START_SECONDS + " s; " + CONTRACT + "; its output:\n" + tail(p.log()));
            }
            Thread.sleep(25);
        }
        String key = Command.run("wg", "genkey").strip();
        String pub = pubkey(key);
        WgDevice d = new WgDevice(ns, ifname, implementation, p, key, pub);
        d.setPrivateKey(key);
        d.wg("set", ifname, "listen-port", Integer.toString(listenPort));
        return d;
    }

    /** What a userspace implementation must do to be started here (wireguard.com/xplatform). */
    private static final String CONTRACT = "expected a program that stays in the foreground, creates the TUN"
            + " interface it is given and serves its UAPI socket /var/run/wireguard/IFNAME.sock";

    /** The last lines of a log, enough to see why a program stopped. */
    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** The public key of {@code privateKey}, by `wg pubkey`. */
    public static String pubkey(String privateKey) throws IOException {
        Path f = Files.createTempFile("wl-key", ".txt");
        try {
            Files.writeString(f, privateKey + "\n");
            return Command.run("sh", "-c", "wg pubkey < " + f).strip();
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** Sets a private key through a 0600 temporary file (never on a command line). */
    public void setPrivateKey(String key) throws IOException {
        Path f = Files.createTempFile("wl-key", ".txt",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(f, key + "\n");
            wg("set", ifname, "private-key", f.toString());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    public Netns ns() {
        return ns;
    }

    @Override
    public String ifname() {
        return ifname;
    }

    public Implementation implementation() {
        return implementation;
    }

    public Proc process() {
        return process;
    }

    @Override
    public String publicKey() {
        return publicKey;
    }

    public String privateKey() {
        return privateKey;
    }

    /** Runs `ip ARGS` in this device's namespace. */
    @Override
    public String ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(Arrays.asList(args));
        return ns.run(cmd.toArray(String[]::new));
    }

    /** Runs `wg ARGS` in this device's namespace. */
    @Override
    public String wg(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("wg"));
        cmd.addAll(Arrays.asList(args));
        return ns.run(cmd.toArray(String[]::new));
    }

    @Override
    public void setKey(String base64, String... args) throws IOException {
        java.nio.file.Path file = Files.createTempFile("wl-key", ".key",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(file, base64 + "\n");
            List<String> set = new ArrayList<>(List.of("set", ifname));
            set.addAll(List.of(args));
            set.add(file.toString());
            wg(set.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Gives the interface tunnel addresses (CIDR) and brings it up. */
    public void up(String... addresses) throws IOException {
        for (String a : addresses) {
            Veth.addAddress(ns, ifname, a);
        }
        ns.run("ip", "link", "set", ifname, "up");
    }

    /** Adds {@code peer} with its endpoint and allowed IPs (comma list), as `wg set … peer` does. */
    public void addPeer(WgDevice peer, String endpoint, String allowedIps) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("set", ifname, "peer", peer.publicKey(), "allowed-ips", allowedIps));
        if (endpoint != null) {
            cmd.addAll(List.of("endpoint", endpoint));
        }
        wg(cmd.toArray(String[]::new));
    }

    /** `wg show IFNAME FIELD` as peer key → value (for endpoints, latest-handshakes, transfer, …). */
    public Map<String, String> show(String field) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : wg("show", ifname, field).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            m.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return m;
    }

    /** The latest handshake with {@code peer}, in Unix seconds (0: none yet). */
    public long latestHandshake(WgDevice peer) throws IOException {
        return Long.parseLong(show("latest-handshakes").getOrDefault(peer.publicKey(), "0").strip());
    }

    /** Bytes received from and sent to {@code peer}: {rx, tx}. */
    public long[] transfer(WgDevice peer) throws IOException {
        String[] f = show("transfer").get(peer.publicKey()).strip().split("\t");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    /** The endpoint `wg` reports for {@code peer} ("(none)" when unknown). */
    public String endpointOf(WgDevice peer) throws IOException {
        return show("endpoints").get(peer.publicKey()).strip();
    }

    /** Stops the implementation by PID. */
    public void stop() {
        process.stop();
    }

    @Override
    public String toString() {
        return implementation.name() + " " + ifname + " in " + ns;
    }
}
