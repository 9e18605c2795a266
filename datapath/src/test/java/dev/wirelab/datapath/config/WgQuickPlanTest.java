package dev.wirelab.datapath.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.datapath.UapiReader;
import dev.wirelab.datapath.UapiRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The steps of up and down, recorded instead of run: what wg-quick would do for the same file. */
class WgQuickPlanTest {
    @TempDir
    Path tmp;

    /** Records every command and UAPI exchange; answers queries from a table of canned outputs. */
    static final class Recorder implements CommandRunner, WgQuick.Uapi {
        final List<String> steps = new ArrayList<>();
        final Map<String, CommandRunner.Result> answers = new LinkedHashMap<>();
        Set<String> commands = Set.of("nft", "resolvconf");
        boolean socket = true;
        String getReply = "";

        @Override
        public Result run(List<String> argv, String stdin) {
            String line = String.join(" ", argv);
            steps.add(stdin.isEmpty() ? line : line + " <<< " + stdin.replace("\n", "\\n"));
            return answers.getOrDefault(line, new Result(0, "", ""));
        }

        @Override
        public Started start(List<String> argv) {
            steps.add("start " + String.join(" ", argv));
            return new Started() {
                public long pid() { return -1; }
                public boolean isAlive() { return true; }
                public String output() { return ""; }
            };
        }

        @Override
        public boolean hasCommand(String command) {
            return commands.contains(command);
        }

        @Override
        public void set(String name, String request) throws IOException {
            assertTrue(UapiReader.parse(request) instanceof UapiRequest.Set, request);
            steps.add("uapi set " + name + ": " + request.strip().replace("\n", " "));
        }

        @Override
        public String get(String name) {
            steps.add("uapi get " + name);
            return getReply;
        }

        @Override
        public boolean answers(String name) {
            return socket;
        }

        @Override
        public Path socket(String name) {
            return Path.of("/run/test", name + ".sock");
        }
    }

    private WgQuick.Options options(Recorder r) {
        return WgQuick.Options.of(List.of("wireguard-go"), WgQuick.Launch.DAEMON).with(r, r)
                .withProgress(line -> { })
                .withResolver(host -> {
                    if (host.equals("vpn.example.com")) {
                        return InetAddress.getByAddress(host, new byte[] {(byte) 198, 51, 100, 9});
                    }
                    throw new UnknownHostException(host + ": Name or service not known");
                });
    }

    private Path conf(String name, String text) throws IOException {
        Path p = tmp.resolve(name + ".conf");
        Files.writeString(p, text);
        return p;
    }

    private static final String KEYS = "PrivateKey = " + WgQuickReaderTest.PRIV + "\n";
    private static final String PEER = "[Peer]\nPublicKey = " + WgQuickReaderTest.PUB + "\n";

    @Test
    void upRunsWgQuicksStepsInOrder() throws Exception {
        Recorder r = new Recorder();
        r.answers.put("ip link show dev wg0", new CommandRunner.Result(1, "", "Device \"wg0\" does not exist."));
        r.answers.put("ip route get 198.51.100.9", new CommandRunner.Result(0, "198.51.100.9 via 192.0.2.254 dev eth0 src 192.0.2.10 uid 0\n", ""));
        r.answers.put("ip link show dev eth0", new CommandRunner.Result(0, "2: eth0: <UP> mtu 9000 qdisc fq\n", ""));
        r.answers.put("ip -4 route show dev wg0 match 10.9.0.0/16", new CommandRunner.Result(0, "10.0.0.0/8 dev wg0\n", ""));
        WgQuick.Up up = WgQuick.up(conf("wg0", "[Interface]\n" + KEYS + """
                Address = 10.0.0.2/24
                Address = fd00::2/64
                DNS = 192.0.2.53, example.com
                PreUp = echo pre %i
                PostUp = echo post %i
                """ + PEER + """
                Endpoint = vpn.example.com:51820
                AllowedIPs = 10.0.0.0/8, fd00::/64, 10.9.0.0/16, 10.0.0.0/8
                """), options(r));
        assertEquals(Optional.empty(), up.process());
        assertEquals(List.of(
                "ip link show dev wg0",
                "bash -c echo pre wg0",
                "wireguard-go wg0",
                "uapi set wg0: set=1 private_key=c809f3e5317e9575c9b5ed78b638b7ce530dabe85ddab614220241801ddf0669"
                        + " listen_port=0 fwmark=0 replace_peers=true"
                        + " public_key=" + java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder()
                                .decode(WgQuickReaderTest.PUB)) + " endpoint=198.51.100.9:51820"
                        + " replace_allowed_ips=true allowed_ip=10.0.0.0/8 allowed_ip=fd00::/64 allowed_ip=10.9.0.0/16"
                        + " allowed_ip=10.0.0.0/8",
                "ip -4 address add 10.0.0.2/24 dev wg0",
                "ip -6 address add fd00::2/64 dev wg0",
                // The endpoint's route goes out eth0, MTU 9000: 9000 - 80.
                "ip route get 198.51.100.9",
                "ip link show dev eth0",
                "ip link set mtu 8920 up dev wg0",
                "resolvconf -a wg0 -m 0 -x <<< nameserver 192.0.2.53\\nsearch example.com\\n",
                // Longest prefix first; a route already covered by one through wg0 is not added again.
                "ip -6 route show dev wg0 match fd00::/64",
                "ip -6 route add fd00::/64 dev wg0",
                "ip -4 route show dev wg0 match 10.9.0.0/16",
                "ip -4 route show dev wg0 match 10.0.0.0/8",
                "ip -4 route add 10.0.0.0/8 dev wg0",
                "bash -c echo post wg0"), r.steps);
    }

    @Test
    void defaultRouteGetsWgQuicksPolicyRoutingInTheFirstFreeTable() throws Exception {
        Recorder r = new Recorder();
        r.answers.put("ip netns exec lab ip -6 route show table 51820", new CommandRunner.Result(0, "default dev x\n", ""));
        r.answers.put("ip netns exec lab ip -o -4 addr show dev wg1",
                new CommandRunner.Result(0, "5: wg1    inet 10.0.0.2/32 scope global wg1\\       valid_lft forever\n", ""));
        WgQuick.up(conf("wg1", "[Interface]\n" + KEYS + "Address = 10.0.0.2/32\nMTU = 1280\n" + PEER
                + "AllowedIPs = 0.0.0.0/0\n"), options(r).inNamespace("lab"));
        String ns = "ip netns exec lab ";
        List<String> tail = r.steps.subList(r.steps.indexOf(ns + "ip link set mtu 1280 up dev wg1") + 1, r.steps.size());
        assertEquals(List.of(
                ns + "ip -4 route show table 51820",
                ns + "ip -6 route show table 51820",
                ns + "ip -4 route show table 51821",
                ns + "ip -6 route show table 51821",
                "uapi set wg1: set=1 fwmark=51821",
                ns + "ip -4 route add 0.0.0.0/0 dev wg1 table 51821",
                ns + "ip -4 rule add not fwmark 51821 table 51821",
                ns + "ip -4 rule add table main suppress_prefixlength 0",
                ns + "ip -o -4 addr show dev wg1",
                ns + "sysctl -q net.ipv4.conf.all.src_valid_mark=1",
                ns + "nft -f /dev/stdin <<< add table ip wg-quick-wg1\\n"
                        + "add chain ip wg-quick-wg1 preraw { type filter hook prerouting priority -300; }\\n"
                        + "add chain ip wg-quick-wg1 premangle { type filter hook prerouting priority -150; }\\n"
                        + "add chain ip wg-quick-wg1 postmangle { type filter hook postrouting priority -150; }\\n"
                        + "add rule ip wg-quick-wg1 preraw iifname != \"wg1\" ip daddr 10.0.0.2 fib saddr type != local drop\\n"
                        + "add rule ip wg-quick-wg1 postmangle meta l4proto udp mark 51821 ct mark set mark \\n"
                        + "add rule ip wg-quick-wg1 premangle meta l4proto udp meta mark set ct mark \\n"), tail);
        assertEquals("ip netns exec lab wireguard-go wg1", r.steps.get(1));
    }

    @Test
    void downDeletesRulesThenLinkThenDnsAndFirewall() throws Exception {
        Recorder r = new Recorder();
        r.answers.put("ip link show dev wg0", new CommandRunner.Result(0, "7: wg0: <UP> mtu 1420\n", ""));
        r.getReply = "private_key=00\nfwmark=51820\npublic_key=00\nallowed_ip=0.0.0.0/0\n";
        // The rule is listed once, then gone: exactly one delete.
        CommandRunner counting = new CommandRunner() {
            int shows;

            @Override
            public Result run(List<String> argv, String stdin) {
                Result res = r.run(argv, stdin);
                if (String.join(" ", argv).equals("ip -4 rule show") && shows++ == 0) {
                    return new Result(0, "32765: not from all fwmark 0xca6c lookup 51820\n"
                            + "32764: from all lookup main suppress_prefixlength 0\n", "");
                }
                if (String.join(" ", argv).equals("nft list tables")) {
                    return new Result(0, "table inet filter\ntable ip wg-quick-wg0\n", "");
                }
                return res;
            }

            @Override
            public Started start(List<String> argv) {
                return r.start(argv);
            }

            @Override
            public boolean hasCommand(String command) {
                return r.hasCommand(command);
            }
        };
        WgQuick.down(conf("wg0", "[Interface]\n" + KEYS + "DNS = 192.0.2.53\nPreDown = echo a\nPostDown = echo b\n"
                + PEER + "AllowedIPs = 0.0.0.0/0\n"), options(r).with(counting, r));
        assertEquals(List.of(
                "ip link show dev wg0",
                "bash -c echo a",
                "uapi get wg0",
                "ip -4 rule show",
                "ip -4 rule delete table 51820",
                "ip -4 rule show",
                "ip -4 rule show",
                "ip -6 rule show",
                "ip -6 rule show",
                "ip link delete dev wg0",
                "resolvconf -d wg0 -f",
                "nft list tables",
                "nft -f /dev/stdin <<< delete table ip wg-quick-wg0\\n",
                "bash -c echo b"), r.steps);
    }

    @Test
    void upAndDownWarnFirstWhenOthersCanReadTheFileAsWgQuickDoes() throws Exception {
        Path file = conf("wg0", "[Interface]\n" + KEYS);
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        String warning = "Warning: `" + file.toRealPath() + "' is world accessible";

        Recorder absent = new Recorder();
        absent.answers.put("ip link show dev wg0", new CommandRunner.Result(1, "", "Device \"wg0\" does not exist."));
        List<String> upLines = new ArrayList<>();
        WgQuick.up(file, options(absent).withProgress(upLines::add));
        assertEquals(warning, upLines.get(0), upLines.toString());

        Recorder present = new Recorder();
        present.answers.put("ip link show dev wg0", new CommandRunner.Result(0, "7: wg0: <UP> mtu 1420\n", ""));
        List<String> downLines = new ArrayList<>();
        WgQuick.down(file, options(present).withProgress(downLines::add));
        assertEquals(warning, downLines.get(0), downLines.toString());

        // A key file only its owner reads: no warning.
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> quiet = new ArrayList<>();
        WgQuick.down(file, options(present).withProgress(quiet::add));
        assertTrue(quiet.stream().noneMatch(l -> l.contains("world accessible")), quiet.toString());
    }

    @Test
    void refusalsSayWhatIsWrongAndChangeNothing() throws Exception {
        Recorder r = new Recorder();
        r.answers.put("ip link show dev wg0", new CommandRunner.Result(0, "7: wg0: <UP>\n", ""));
        WgQuickException exists = assertThrows(WgQuickException.class,
                () -> WgQuick.up(conf("wg0", "[Interface]\n" + KEYS), options(r)));
        assertTrue(exists.getMessage().startsWith("`wg0' already exists"), exists.getMessage());

        Recorder none = new Recorder();
        none.answers.put("ip link show dev wg2", new CommandRunner.Result(1, "", "does not exist"));
        WgQuickException missing = assertThrows(WgQuickException.class,
                () -> WgQuick.down(conf("wg2", "[Interface]\n"), options(none)));
        assertTrue(missing.getMessage().startsWith("`wg2' does not exist"), missing.getMessage());

        Recorder noDns = new Recorder();
        noDns.commands = Set.of();
        noDns.answers.put("ip link show dev wg3", new CommandRunner.Result(1, "", ""));
        WgQuickException dns = assertThrows(WgQuickException.class,
                () -> WgQuick.up(conf("wg3", "[Interface]\nDNS = 192.0.2.53\n"), options(noDns)));
        assertTrue(dns.getMessage().contains("resolvconf is not installed"), dns.getMessage());
        // wg-quick's trap: what up did is undone.
        assertEquals("ip link delete dev wg3", noDns.steps.getLast());

        Recorder save = new Recorder();
        WgQuickException saveConfig = assertThrows(WgQuickException.class,
                () -> WgQuick.up(conf("wg4", "[Interface]\nSaveConfig = true\n"), options(save)));
        assertTrue(saveConfig.getMessage().contains("SaveConfig = true is not supported"), saveConfig.getMessage());
        assertEquals(List.of(), save.steps);

        Recorder unresolved = new Recorder();
        unresolved.answers.put("ip link show dev wg5", new CommandRunner.Result(1, "", ""));
        WgQuickException host = assertThrows(WgQuickException.class,
                () -> WgQuick.up(conf("wg5", "[Interface]\n" + PEER + "Endpoint = nowhere.example:1\n"), options(unresolved)));
        assertTrue(host.getMessage().startsWith("wg5.conf: Endpoint: host name `nowhere.example' does not resolve"),
                host.getMessage());
        assertEquals(List.of("ip link show dev wg5"), unresolved.steps, "nothing started");

        Recorder failing = new Recorder();
        failing.answers.put("ip link show dev wg6", new CommandRunner.Result(1, "", ""));
        failing.answers.put("ip -4 address add 10.0.0.1/32 dev wg6",
                new CommandRunner.Result(2, "", "RTNETLINK answers: Permission denied\n"));
        WgQuickException ip = assertThrows(WgQuickException.class,
                () -> WgQuick.up(conf("wg6", "[Interface]\nAddress = 10.0.0.1\n"), options(failing)));
        assertEquals("`ip -4 address add 10.0.0.1/32 dev wg6' failed (exit 2): RTNETLINK answers: Permission denied",
                ip.getMessage());

        Recorder silent = new Recorder();
        silent.socket = false;
        silent.answers.put("ip link show dev wg7", new CommandRunner.Result(1, "", ""));
        WgQuick.Options quick = options(silent);
        quick = new WgQuick.Options(quick.userspace(), quick.launch(), quick.namespace(), silent, silent, l -> { },
                Duration.ofMillis(50), quick.resolvconfInterfaceOrder(), quick.resolver());
        WgQuick.Options q = quick;
        WgQuickException socket = assertThrows(WgQuickException.class, () -> WgQuick.up(conf("wg7", "[Interface]\n"), q));
        assertTrue(socket.getMessage().startsWith("no UAPI socket at /run/test/wg7.sock within 50 ms"), socket.getMessage());
    }
}
