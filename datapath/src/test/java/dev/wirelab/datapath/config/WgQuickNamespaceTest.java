package dev.wirelab.datapath.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing, as root: {@link WgQuick#up} inside a fresh network namespace with wireguard-go
 * (foreground, so the test holds its PID) as the userspace implementation, checked with the stock
 * {@code wg} and {@code ip}; then {@link WgQuick#down}, after which the link is gone and wireguard-go
 * has exited. Names are random per run: the UAPI socket directory is shared by all namespaces.
 */
@NeedsRoot("a network namespace, a TUN device, routes and nftables")
class WgQuickNamespaceTest {
    private static final String PRIV = WgQuickReaderTest.PRIV;
    private static final String PEER1 = WgQuickReaderTest.PUB;
    /** Any valid key works as a peer's public key here: no handshake is attempted. */
    private static final String PEER2 = WgQuickReaderTest.PSK;

    @TempDir
    Path tmp;
    private String ns;
    private String ifname;
    private final List<CommandRunner.Started> started = new ArrayList<>();

    @BeforeEach
    void namespace() throws Exception {
        String hex = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(1 << 24)).substring(2);
        ns = "wl-wgq-" + hex;
        ifname = "wlq" + hex;
        run("ip", "netns", "add", ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (CommandRunner.Started p : started) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        // Anything else still in the namespace (a daemonized child) goes by PID too.
        CommandRunner.Result pids = new SystemCommandRunner().run(List.of("ip", "netns", "pids", ns), "");
        for (String pid : pids.stdout().split("\\s+")) {
            if (!pid.isEmpty()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        new SystemCommandRunner().run(List.of("ip", "netns", "delete", ns), "");
        Files.deleteIfExists(Path.of("/var/run/wireguard", ifname + ".sock"));
    }

    @Test
    void upConfiguresTheInterfaceInTheNamespaceAndDownRemovesIt() throws Exception {
        Path conf = tmp.resolve(ifname + ".conf");
        Files.writeString(conf, """
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                Address = 192.0.2.1/24, fd00:1::1/64
                PostUp = ip link set dev %%i alias wirelab-up   # the hook sees the interface name

                [Peer]
                PublicKey = %s
                Endpoint = 203.0.113.5:51820
                AllowedIPs = 198.51.100.0/24, fd00:2::/64
                PersistentKeepalive = 25

                [Peer]
                PublicKey = %s
                AllowedIPs = 0.0.0.0/0
                """.formatted(PRIV, PEER1, PEER2));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        List<String> progress = new ArrayList<>();
        WgQuick.Options options = WgQuick.Options.of(List.of("wireguard-go", "-f"), WgQuick.Launch.FOREGROUND)
                .inNamespace(ns).withProgress(line -> {
                    System.out.println(line);
                    progress.add(line);
                });

        WgQuick.Up up = WgQuick.up(conf, options);
        up.process().ifPresent(started::add);
        assertTrue(up.process().orElseThrow().isAlive(), "wireguard-go runs");

        String dump = run("ip", "netns", "exec", ns, "wg", "show", ifname, "dump");
        System.out.println(dump);
        List<String> rows = dump.lines().toList();
        assertEquals(3, rows.size(), dump);
        // No fwmark in the file: up chose 51820 for the default route's policy routing, as wg-quick does.
        assertEquals(List.of(PRIV, WgQuickReaderTest.PUB_OF_PRIV, "51820", "0xca6c"), List.of(rows.get(0).split("\t")));
        // wireguard-go lists peers in map order: find each by its key.
        String[] p1 = row(rows, PEER1);
        assertEquals(List.of(PEER1, "(none)", "203.0.113.5:51820", "198.51.100.0/24,fd00:2::/64"),
                List.of(p1).subList(0, 4));
        assertEquals("25", p1[7]);
        String[] p2 = row(rows, PEER2);
        assertEquals(List.of(PEER2, "(none)", "(none)", "0.0.0.0/0"), List.of(p2).subList(0, 4));

        String addr = run("ip", "-n", ns, "addr", "show", "dev", ifname);
        assertTrue(addr.contains("inet 192.0.2.1/24"), addr);
        assertTrue(addr.contains("inet6 fd00:1::1/64"), addr);
        // No route to the endpoint and no default route in the namespace: 1500 - 80.
        assertTrue(addr.contains("mtu 1420"), addr);
        assertTrue(addr.contains("state UNKNOWN") || addr.contains(",UP"), addr);
        String link = run("ip", "-n", ns, "link", "show", "dev", ifname);
        assertTrue(link.contains("alias wirelab-up"), "PostUp ran in the namespace with %i expanded: " + link);
        String routes = run("ip", "-n", ns, "route", "show", "dev", ifname);
        assertTrue(routes.contains("198.51.100.0/24"), routes);
        assertTrue(run("ip", "-n", ns, "-6", "route", "show", "dev", ifname).contains("fd00:2::/64"));
        assertTrue(run("ip", "-n", ns, "route", "show", "table", "51820").contains("default dev " + ifname));
        String rules = run("ip", "-n", ns, "rule", "show");
        assertTrue(rules.contains("not from all fwmark 0xca6c lookup 51820"), rules);
        assertTrue(rules.contains("from all lookup main suppress_prefixlength 0"), rules);
        assertTrue(run("ip", "netns", "exec", ns, "nft", "list", "tables").contains("table ip wg-quick-" + ifname));

        WgQuickException again = assertThrows(WgQuickException.class, () -> WgQuick.up(conf, options));
        assertTrue(again.getMessage().startsWith("`" + ifname + "' already exists"), again.getMessage());

        WgQuick.down(conf, options);
        assertTrue(waitExit(up.process().get()),
                "wireguard-go exits once its link is deleted");
        assertEquals("", new SystemCommandRunner().run(List.of("ip", "-n", ns, "link", "show", "dev", ifname), "").stdout());
        String rulesAfter = run("ip", "-n", ns, "rule", "show");
        assertFalse(rulesAfter.contains("lookup 51820") || rulesAfter.contains("suppress_prefixlength"), rulesAfter);
        assertFalse(run("ip", "netns", "exec", ns, "nft", "list", "tables").contains("wg-quick-" + ifname));

        WgQuickException gone = assertThrows(WgQuickException.class, () -> WgQuick.down(conf, options));
        assertTrue(gone.getMessage().startsWith("`" + ifname + "' does not exist"), gone.getMessage());
        assertTrue(progress.contains("[#] ip netns exec " + ns + " ip link delete dev " + ifname), progress.toString());
    }

    private static String[] row(List<String> rows, String publicKey) {
        return rows.stream().skip(1).map(r -> r.split("\t")).filter(f -> f[0].equals(publicKey)).findFirst()
                .orElseThrow(() -> new AssertionError("no peer " + publicKey + " in " + rows));
    }

    private static boolean waitExit(CommandRunner.Started p) throws InterruptedException {
        Optional<ProcessHandle> h = ProcessHandle.of(p.pid());
        if (h.isEmpty()) {
            return true;
        }
        try {
            h.get().onExit().get(10, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return !p.isAlive();
        }
    }

    private static String run(String... argv) throws IOException, InterruptedException {
        CommandRunner.Result r = new SystemCommandRunner().run(List.of(argv), "");
        assertEquals(0, r.exitCode(), () -> String.join(" ", argv) + " failed: " + r.stderr());
        return r.stdout();
    }
}
