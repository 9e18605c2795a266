package dev.wirelab.datapath.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.wirelab.datapath.UapiReader;
import dev.wirelab.datapath.UapiRequest;
import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.testkit.NeedsRoot;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random configurations: written, read back, compared; turned into UAPI text the UAPI reader
 * takes; and their wg part compared with what the real {@code wg-quick strip} prints for the same file.
 */
class WgQuickRoundTripTest {
    private static final long SEED = Long.getLong("wirelab.seed", System.nanoTime());
    private static final int CONFIGS = 300;
    private static final int ORACLE_CONFIGS = 8;
    private static final Path WG_QUICK = Path.of("/usr/bin/wg-quick");

    @TempDir
    Path tmp;

    @Test
    void writeThenReadGivesTheSameConfig() throws Exception {
        Random rnd = new Random(SEED);
        for (int i = 0; i < CONFIGS; i++) {
            WgQuickConfig c = random(rnd, "wg" + i);
            String text = WgQuickWriter.file(c);
            int n = i;
            assertEquals(c, WgQuickReader.parse("wg" + i + ".conf", text),
                    () -> "seed " + SEED + " (rerun with -Dwirelab.seed=" + SEED + "), config " + n + ":\n" + text);
        }
    }

    @Test
    void uapiTextIsWhatTheUapiReaderTakes() throws Exception {
        Random rnd = new Random(SEED);
        for (int i = 0; i < CONFIGS; i++) {
            WgQuickConfig c = random(rnd, "wg" + i);
            String set = WgQuickWriter.uapiSet(c, host -> InetAddress.getByAddress(host, new byte[] {(byte) 203, 0, 113, 7}));
            String why = "seed " + SEED + ", config " + i + ":\n" + set;
            DeviceEdit edit = assertInstanceOf(UapiRequest.Set.class, UapiReader.parse(set), why).edit();
            assertEquals(c.listenPort().orElse(0), edit.listenPort(), why);
            assertEquals(c.peers().size(), edit.peers().size(), why);
            for (int p = 0; p < c.peers().size(); p++) {
                PeerConfig want = c.peers().get(p);
                PeerEdit got = edit.peers().get(p);
                assertEquals(want.allowedIps(), got.allowedIps(), why);
                assertEquals(want.persistentKeepalive().isPresent() ? want.persistentKeepalive().getAsInt() : null,
                        got.persistentKeepaliveSeconds(), why);
                assertEquals(want.endpoint().isPresent(), got.endpoint() != null, why);
            }
        }
    }

    @Test
    void hostNamesResolveWhenTheUapiTextIsMade() throws Exception {
        WgQuickConfig c = WgQuickReader.parse("wg0.conf", "[Peer]\nPublicKey = " + WgQuickReaderTest.PUB
                + "\nEndpoint = localhost:51820\n");
        String set = WgQuickWriter.uapiSet(c, InetAddress::getByName);
        // /etc/hosts maps localhost; either family is a right answer.
        String endpoint = set.lines().filter(l -> l.startsWith("endpoint=")).findFirst().orElseThrow();
        assertEquals(true, endpoint.equals("endpoint=127.0.0.1:51820") || endpoint.equals("endpoint=[::1]:51820"), endpoint);
    }

    @Test
    @NeedsRoot("wg-quick runs only as root")
    void strippedPartMatchesRealWgQuickStrip() throws Exception {
        List<String> files = new ArrayList<>(List.of("""
                # leading comment
                [Interface]
                  PrivateKey = %s   # trailing comment
                Address = 10.0.0.1/24
                dns = 192.0.2.53
                	PostUp = iptables -A FORWARD -i %%i -j ACCEPT
                Table=off

                [Peer]
                PublicKey=%s
                AllowedIPs = 10.0.0.2/32 , fd00::2/128
                Endpoint = [fd00::1]:51820
                """.formatted(WgQuickReaderTest.PRIV, WgQuickReaderTest.PUB),
                "[interface]\nMTU = 1400\nListenPort = 1\r\n[PEER]\nPublicKey = " + WgQuickReaderTest.PUB + "\nAllowed Ips = 0.0.0.0/0"));
        Random rnd = new Random(SEED);
        for (int i = 0; i < ORACLE_CONFIGS; i++) {
            files.add(WgQuickWriter.file(random(rnd, "x")));
        }
        for (int i = 0; i < files.size(); i++) {
            String name = "wlstrip" + i;
            Path file = tmp.resolve(name + ".conf");
            Files.writeString(file, files.get(i));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            String oracle = run(WG_QUICK.toString(), "strip", file.toString());
            String why = "seed " + SEED + ", file " + i + ":\n" + files.get(i);
            assertEquals(oracle, WgQuickReader.strip(name + ".conf", files.get(i)), why);
            // And the stripped text, read as a file again, has the same wg part.
            WgQuickConfig whole = WgQuickReader.parse(name + ".conf", files.get(i));
            WgQuickConfig wgOnly = WgQuickReader.parse(name + ".conf", oracle);
            assertEquals(whole.privateKey(), wgOnly.privateKey(), why);
            assertEquals(whole.listenPort(), wgOnly.listenPort(), why);
            assertEquals(whole.fwmark(), wgOnly.fwmark(), why);
            assertEquals(whole.peers(), wgOnly.peers(), why);
            assertEquals(List.of(), wgOnly.addresses(), why);
        }
    }

    private static String run(String... argv) throws IOException, InterruptedException {
        CommandRunner.Result r = new SystemCommandRunner().run(List.of(argv), "");
        assertEquals(0, r.exitCode(), () -> String.join(" ", argv) + ": " + r.stderr());
        return r.stdout();
    }

    // ---------------------------------------------------------------- generators

    static WgQuickConfig random(Random rnd, String name) {
        List<PeerConfig> peers = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            List<Prefix> ips = new ArrayList<>();
            int m = rnd.nextInt(4);
            for (int j = 0; j < m; j++) {
                ips.add(prefix(rnd, rnd.nextBoolean()));
            }
            peers.add(new PeerConfig(Key.open(bytes(rnd, 32)),
                    rnd.nextBoolean() ? Optional.of(Key.secret(bytes(rnd, 32))) : Optional.empty(),
                    rnd.nextBoolean() ? Optional.of(endpoint(rnd)) : Optional.empty(), ips,
                    rnd.nextBoolean() ? OptionalInt.of(rnd.nextInt(65536)) : OptionalInt.empty()));
        }
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            Bytes a = address(rnd);
            addresses.add(new InterfaceAddress(a, rnd.nextInt(a.length() * 8 + 1)));
        }
        List<String> dns = rnd.nextBoolean() ? List.of("192.0.2.53", "fd00::53") : List.of();
        List<String> search = rnd.nextBoolean() ? List.of("example.com") : List.of();
        Table table = switch (rnd.nextInt(4)) {
            case 0 -> Table.AUTO;
            case 1 -> Table.OFF;
            case 2 -> new Table.Named(Long.toString(rnd.nextLong(1L << 32)));
            default -> new Table.Named("vpn_" + rnd.nextInt(100));
        };
        return new WgQuickConfig(name, rnd.nextBoolean() ? Optional.of(Key.secret(bytes(rnd, 32))) : Optional.empty(),
                rnd.nextBoolean() ? OptionalInt.of(rnd.nextInt(65536)) : OptionalInt.empty(),
                rnd.nextBoolean() ? OptionalLong.of(rnd.nextLong(1L << 32)) : OptionalLong.empty(),
                addresses, dns, search, rnd.nextBoolean() ? OptionalInt.of(1280 + rnd.nextInt(8000)) : OptionalInt.empty(),
                table, hooks(rnd), hooks(rnd), hooks(rnd), hooks(rnd), false, peers);
    }

    private static List<String> hooks(Random rnd) {
        List<String> out = new ArrayList<>();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            out.add("ip link set %i up && echo 'x = " + rnd.nextInt(1000) + "'");
        }
        return out;
    }

    private static Prefix prefix(Random rnd, boolean v4) {
        Bytes a = v4 ? Bytes.wrap(bytes(rnd, 4)) : Bytes.wrap(bytes(rnd, 16));
        return Prefix.of(a, rnd.nextInt(a.length() * 8 + 1));
    }

    private static Bytes address(Random rnd) {
        return Bytes.wrap(bytes(rnd, rnd.nextBoolean() ? 4 : 16));
    }

    private static EndpointAddress endpoint(Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> new EndpointAddress("198.51.100." + rnd.nextInt(256), rnd.nextInt(65536));
            case 1 -> new EndpointAddress(InterfaceAddress.hostText(Bytes.wrap(bytes(rnd, 16))), rnd.nextInt(65536));
            default -> new EndpointAddress("peer" + rnd.nextInt(100) + ".example.net", rnd.nextInt(65536));
        };
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
