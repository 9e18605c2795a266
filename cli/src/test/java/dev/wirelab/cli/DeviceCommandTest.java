package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.interop.Command;
import dev.wirelab.interop.Implementation;
import dev.wirelab.interop.Names;
import dev.wirelab.interop.Netns;
import dev.wirelab.interop.Ping;
import dev.wirelab.interop.Veth;
import dev.wirelab.interop.WgDevice;
import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `wirelab device IFNAME` as a person (or wg-quick) runs it: in the background, stopped by deleting
 * its interface or its socket, refusing what it cannot do with a message that says why. Runs the
 * real command (this module's classpath, a child JVM) inside a network namespace; needs root.
 */
@NeedsRoot("network namespaces and TUN devices")
class DeviceCommandTest {
    private static final Pattern BACKGROUND_PID = Pattern.compile("running in the background as pid (\\d+)");

    @TempDir
    Path dir;

    Netns ns;
    Path launcher;
    Path wirelab;
    final List<Long> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        ns = Netns.create("wl-cli-");
        // What `wirelab-device` does, with this build's classes instead of the packaged jar.
        launcher = dir.resolve("wirelab-device");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' " + Wirelab.class.getName() + " device \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        wirelab = dir.resolve("wirelab");
        Files.writeString(wirelab, "#!/bin/sh\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' " + Wirelab.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(wirelab, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void tearDown() {
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroy();
                h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> {
                    h.destroyForcibly();
                    return h;
                }).join();
            });
        }
        ns.close();
    }

    private Command.Result device(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Command.Result r = ns.tryRun(cmd.toArray(String[]::new));
        Matcher m = BACKGROUND_PID.matcher(r.err());
        if (m.find()) {
            started.add(Long.parseLong(m.group(1)));
        }
        return r;
    }

    private static boolean exitsWithin(long pid, long seconds) throws Exception {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return true;
        }
        try {
            h.get().onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    @Test
    void startsInTheBackgroundAndStopsWhenItsInterfaceIsDeleted() throws Exception {
        String name = Names.interfaceName("wlc");
        Command.Result r = device(name);
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, started.size(), "it says which pid runs the device: " + r.err());
        Path socket = Path.of("/var/run/wireguard", name + ".sock");
        assertTrue(Files.exists(socket));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)), "socket mode 0600");
        assertTrue(ns.run("wg", "show", name).contains("listening port"), "stock wg talks to it");
        assertTrue(ns.run("ip", "link", "show", name).contains("mtu 1420"), "a new interface gets MTU 1420");
        ns.run("ip", "link", "del", name);
        assertTrue(exitsWithin(started.getFirst(), 10), "the device exits when its interface is deleted");
        assertFalse(Files.exists(socket), "and removes its socket");
    }

    @Test
    void keepsWorkingWhenItsInterfaceMovesToAnotherNamespaceAndStopsWhenItIsDeletedThere() throws Exception {
        // wireguard.com/netns's "ordinary containerization": the interface is made where the UDP socket
        // is (ns, joined to wireguard-go's namespace by a veth) and moved into a container's namespace.
        String name = Names.interfaceName("wlc");
        assertEquals(0, device(name).exit());
        long pid = started.getFirst();
        try (Netns inner = Netns.create("wl-cli-in-"); Netns peerNs = Netns.create("wl-cli-peer-")) {
            Veth.link(ns, peerNs, new String[] {"192.0.2.1/24"}, new String[] {"192.0.2.2/24"});
            WgDevice go = WgDevice.start(peerNs, Implementation.WIREGUARD_GO, "wlg", 51821, dir.resolve("logs"));
            String key = Command.run("wg", "genkey").strip();
            Path keyFile = dir.resolve("move.key");
            Files.writeString(keyFile, key + "\n");
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            ns.run("wg", "set", name, "private-key", keyFile.toString(), "listen-port", "51820", "peer", go.publicKey(),
                    "endpoint", "192.0.2.2:51821", "allowed-ips", "198.51.100.2/32");
            go.wg("set", go.ifname(), "peer", WgDevice.pubkey(key), "allowed-ips", "198.51.100.1/32");
            go.up("198.51.100.2/24");
            Netns from = ns;
            for (Netns to : List.of(inner, ns, inner)) {
                from.run("ip", "link", "set", name, "netns", to.name());
                from = to;
                Thread.sleep(2_500); // two of the device's housekeeping rounds
                assertFalse(exitsWithin(pid, 0), "the device runs on after its interface moved to " + to.name());
                // A move leaves the interface down and without addresses, as for any link.
                to.run("ip", "address", "add", "198.51.100.1/24", "dev", name);
                to.run("ip", "link", "set", name, "up");
                assertEquals(2, Ping.replies(to, "198.51.100.2", 2), "pings from " + to.name() + " through the tunnel,"
                        + " whose UDP socket stayed in " + ns.name());
                assertTrue(ns.run("wg", "show", name).contains(go.publicKey()), "wg still reaches it through its socket");
            }
            inner.run("ip", "link", "del", name);
            assertTrue(exitsWithin(pid, 10), "deleted in the namespace it moved to, it stops");
        }
        assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")), "and removes its socket");
    }

    @Test
    void stopsWhenItsSocketIsRemoved() throws Exception {
        String name = Names.interfaceName("wlc");
        assertEquals(0, device(name).exit());
        Files.delete(Path.of("/var/run/wireguard", name + ".sock"));
        assertTrue(exitsWithin(started.getFirst(), 10), "the device exits when its socket file is removed");
        assertFalse(ns.tryRun("ip", "link", "show", name).ok(), "and its interface is gone");
    }

    @Test
    void refusesWhatItCannotDoAndSaysWhy() throws Exception {
        Command.Result longName = device("this-name-is-too-long");
        assertEquals(1, longName.exit());
        assertTrue(longName.err().contains("1 to 15 characters"), longName.err());

        String taken = Names.interfaceName("wlc");
        ns.run("ip", "link", "add", taken, "type", "veth", "peer", "name", Names.interfaceName("wlp"));
        Command.Result exists = device(taken);
        assertEquals(1, exists.exit());
        assertTrue(exists.err().contains("interface " + taken + " already exists"), exists.err());

        String name = Names.interfaceName("wlc");
        assertEquals(0, device(name).exit());
        try (Netns other = Netns.create("wl-cli2-")) {
            List<String> cmd = List.of(launcher.toString(), name);
            Command.Result twice = other.tryRun(cmd.toArray(String[]::new));
            assertEquals(1, twice.exit());
            assertTrue(twice.err().contains("in use by another process"), twice.err());
        }

        // The foreground form reports its own start failure the same way.
        Command.Result fg = device("-f", taken);
        assertEquals(1, fg.exit());
        assertTrue(fg.err().contains("already exists"), fg.err());
    }

    @Test
    void withoutCapNetAdminItSaysWhatItNeeds() throws Exception {
        // Root without CAP_NET_ADMIN (dropped from the bounding set): what an unprivileged user meets.
        Command.Result r = ns.tryRun("setpriv", "--bounding-set=-net_admin", launcher.toString(), "-f",
                Names.interfaceName("wlc"));
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("run as root, or with CAP_NET_ADMIN"), r.err());
    }

    @Test
    void aListenPortInUseIsRefusedThroughWgAndTheDeviceKeepsItsPort() throws Exception {
        String first = Names.interfaceName("wlc");
        String second = Names.interfaceName("wlc");
        assertEquals(0, device(first).exit());
        assertEquals(0, device(second).exit());
        ns.run("wg", "set", first, "listen-port", "51999");
        String before = ns.run("wg", "show", second, "listen-port").strip();
        Command.Result taken = ns.tryRun("wg", "set", second, "listen-port", "51999");
        assertFalse(taken.ok(), "wg reports the device's EADDRINUSE");
        assertTrue(taken.err().contains("Address already in use") || taken.err().contains("in use"), taken.err());
        assertEquals(before, ns.run("wg", "show", second, "listen-port").strip(), "the device keeps the port it has");
    }

    @Test
    void wgQuickUpAndDownUseItAsTheUserspaceImplementation() throws Exception {
        tunnelFromConfigFile(conf -> List.of("env", "WG_QUICK_USERSPACE_IMPLEMENTATION=" + launcher, "wg-quick", "up",
                conf.toString()), conf -> List.of("wg-quick", "down", conf.toString()));
    }

    @Test
    void wirelabUpAndDownDoTheSameWithoutWgQuick() throws Exception {
        tunnelFromConfigFile(conf -> List.of(wirelab.toString(), "up", conf.toString()),
                conf -> List.of(wirelab.toString(), "down", conf.toString()));
    }

    private void tunnelFromConfigFile(java.util.function.Function<Path, List<String>> up,
            java.util.function.Function<Path, List<String>> down) throws Exception {
        String name = Names.interfaceName("wlq");
        try (Netns peerNs = Netns.create("wl-cli-peer-")) {
            Veth.link(ns, peerNs, new String[] {"192.0.2.1/24"}, new String[] {"192.0.2.2/24"});
            WgDevice go = WgDevice.start(peerNs, Implementation.WIREGUARD_GO, "wlg", 51821, dir.resolve("logs"));
            String key = Command.run("wg", "genkey").strip();
            Path conf = dir.resolve(name + ".conf");
            Files.writeString(conf, String.join("\n",
                    "[Interface]",
                    "PrivateKey = " + key,
                    "ListenPort = 51820",
                    "Address = 198.51.100.1/24, fd00:1::1/64",
                    "",
                    "[Peer]",
                    "PublicKey = " + go.publicKey(),
                    "Endpoint = 192.0.2.2:51821",
                    "AllowedIPs = 198.51.100.2/32, fd00:1::2/128",
                    ""));
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
            go.wg("set", go.ifname(), "peer", WgDevice.pubkey(key), "allowed-ips", "198.51.100.1/32,fd00:1::1/128");
            go.up("198.51.100.2/24", "fd00:1::2/64");

            Command.Result upped = ns.tryRun(up.apply(conf).toArray(String[]::new));
            assertEquals(0, upped.exit(), upped.err());
            Matcher m = BACKGROUND_PID.matcher(upped.err());
            assertTrue(m.find(), "it started wirelab's device: " + upped.err());
            started.add(Long.parseLong(m.group(1)));
            assertTrue(ns.run("wg", "show", name).contains(go.publicKey()), "configured through its socket");
            assertTrue(ns.run("ip", "address", "show", name).contains("198.51.100.1/24"), "address set");
            assertEquals(2, Ping.replies(ns, "198.51.100.2", 2), "IPv4 through the tunnel");
            assertEquals(2, Ping.replies(ns, "fd00:1::2", 2), "IPv6 through the tunnel");

            Command.Result downed = ns.tryRun(down.apply(conf).toArray(String[]::new));
            assertEquals(0, downed.exit(), downed.err());
            assertTrue(exitsWithin(started.getFirst(), 10), "down stops the device");
            assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".log")), "a clean stop leaves no log behind");
        }
    }
}
