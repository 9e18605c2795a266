package dev.wirelab.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Kernel WireGuard in a Debian kernel under qemu ({@link KernelVm}) against wirelab's device, both
 * configured only with `wg` and `ip`:
 * <pre>
 *   namespace                                                     guest
 *   wirelab wlk… 198.51.100.1/24 fd00:1::1/64  UDP 51820          wg0 198.51.100.2/24 fd00:1::2/64  UDP 51821
 *   tap          192.0.2.1/24      ─────────── virtio-net ──────  eth0 192.0.2.2/24
 * </pre>
 * One boot serves the whole class (a boot costs about 10 s of TCG); each test gets a new wirelab
 * device and a new guest wg0, so no keys, peers or sessions carry over.
 */
@NeedsRoot("network namespaces, a tap device and qemu")
class KernelWireguardTest {
    static final Path LOGS = Path.of("target", "interop-logs", "kernel");
    static final String WIRELAB_TUNNEL_V4 = "198.51.100.1";
    static final String KERNEL_TUNNEL_V4 = "198.51.100.2";
    static final String WIRELAB_TUNNEL_V6 = "fd00:1::1";
    static final String KERNEL_TUNNEL_V6 = "fd00:1::2";
    static final int WIRELAB_PORT = 51820;
    static final int KERNEL_PORT = 51821;
    /** busybox ping's summary, e.g. "3 packets transmitted, 3 packets received, 0% packet loss". */
    static final Pattern GUEST_PING = Pattern.compile("(\\d+) packets transmitted, (\\d+) packets received");

    static Netns ns;
    static KernelVm vm;

    WgDevice wirelab;
    KernelTarget kernel;

    @BeforeAll
    static void boot() throws Exception {
        ns = Netns.create("wl-k-");
        try {
            vm = KernelVm.boot(ns, LOGS);
        } catch (Exception e) {
            ns.close();
            throw e;
        }
        System.out.printf("kernel VM booted in %d ms (guest uptime %s s at /init ready); console log %s%n",
                vm.bootTime().toMillis(), vm.guestUptimeAtReady(), vm.consoleLog());
    }

    @AfterAll
    static void shutdown() throws Exception {
        try {
            if (vm != null) {
                vm.close();
            }
        } finally {
            ns.close();
        }
        assertTrue(Files.notExists(Path.of("/var/run/netns", ns.name())), "namespace removed");
    }

    @BeforeEach
    void devices(TestInfo test) throws Exception {
        wirelab = WgDevice.start(ns, Implementation.WIRELAB, "wlk", WIRELAB_PORT,
                LOGS.resolve(test.getTestMethod().orElseThrow().getName()));
        kernel = KernelTarget.create(vm, "wg0", KERNEL_PORT);
        wirelab.up(WIRELAB_TUNNEL_V4 + "/24", WIRELAB_TUNNEL_V6 + "/64");
        kernel.up(KERNEL_TUNNEL_V4 + "/24", KERNEL_TUNNEL_V6 + "/64");
    }

    @AfterEach
    void removeDevices() throws Exception {
        if (wirelab != null) {
            wirelab.stop();
        }
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void guestRunsTheInstalledKernelAndReportsOutputAndStatus() throws Exception {
        assertEquals(KernelImage.find().version() + "\n", vm.exec("uname -r"), "the kernel KernelImage found");
        assertEquals("out\nerr\n", vm.exec("echo out; echo err >&2"), "stdout and stderr, in order");
        KernelVm.Result failed = vm.tryExec("echo partial; exit 3", Duration.ofSeconds(30));
        assertEquals(3, failed.exit(), "exit status of the guest command");
        assertEquals("partial\n", failed.out());
        assertThrows(IOException.class, () -> vm.exec("false"), "exec turns a non-zero exit into an exception");
        assertEquals("still here\n", vm.exec("echo still here"), "a failed command leaves the console usable");
    }

    @Test
    void wirelabInitiatesThenPingsBothWays() throws Exception {
        // The guest gets no endpoint for wirelab: it cannot initiate, so a handshake is wirelab's.
        wirelab.wg("set", wirelab.ifname(), "peer", kernel.publicKey(), "allowed-ips",
                KERNEL_TUNNEL_V4 + "/32," + KERNEL_TUNNEL_V6 + "/128", "endpoint",
                KernelVm.GUEST_ADDRESS + ":" + KERNEL_PORT);
        kernel.addPeer(wirelab.publicKey(), null, WIRELAB_TUNNEL_V4 + "/32," + WIRELAB_TUNNEL_V6 + "/128");
        assertEquals(0, kernel.latestHandshake(wirelab.publicKey()), "no handshake before traffic");

        assertEquals(3, Ping.replies(ns, KERNEL_TUNNEL_V4, 3), "IPv4 ping wirelab -> kernel");
        assertTrue(wirelabHandshake() > 0, "wirelab records the handshake");
        assertTrue(kernel.latestHandshake(wirelab.publicKey()) > 0, "kernel records the handshake");
        assertEquals(KernelVm.HOST_ADDRESS + ":" + WIRELAB_PORT, kernel.show("endpoints").get(wirelab.publicKey()),
                "the kernel learned wirelab's endpoint from the authenticated initiation");
        assertEquals(3, guestPingReplies(WIRELAB_TUNNEL_V4, 3), "IPv4 ping kernel -> wirelab");
        assertEquals(3, Ping.replies(ns, KERNEL_TUNNEL_V6, 3), "IPv6 ping wirelab -> kernel");

        long[] k = kernel.transfer(wirelab.publicKey());
        long[] w = wirelabTransfer();
        assertTrue(k[0] > 0 && k[1] > 0, "kernel `wg show` counts bytes both ways: " + k[0] + " rx, " + k[1] + " tx");
        // Each side's tx is the other's rx, unless a packet is in flight: nothing is, the pings are done.
        assertArrayEquals(new long[] {w[1], w[0]}, k, "kernel rx/tx == wirelab tx/rx");
    }

    @Test
    void kernelInitiatesThenPingsBothWays() throws Exception {
        // Now wirelab has no endpoint for the guest: a handshake can only be the kernel's.
        wirelab.wg("set", wirelab.ifname(), "peer", kernel.publicKey(), "allowed-ips",
                KERNEL_TUNNEL_V4 + "/32," + KERNEL_TUNNEL_V6 + "/128");
        kernel.addPeer(wirelab.publicKey(), KernelVm.HOST_ADDRESS + ":" + WIRELAB_PORT,
                WIRELAB_TUNNEL_V4 + "/32," + WIRELAB_TUNNEL_V6 + "/128");
        assertEquals(0, wirelabHandshake(), "no handshake before traffic");

        assertEquals(3, guestPingReplies(WIRELAB_TUNNEL_V4, 3), "IPv4 ping kernel -> wirelab");
        assertTrue(kernel.latestHandshake(wirelab.publicKey()) > 0, "kernel records the handshake");
        assertTrue(wirelabHandshake() > 0, "wirelab answered the kernel's initiation");
        assertEquals(KernelVm.GUEST_ADDRESS + ":" + KERNEL_PORT,
                wirelab.show("endpoints").get(kernel.publicKey()).strip(), "wirelab learned the guest's endpoint");
        assertEquals(3, Ping.replies(ns, KERNEL_TUNNEL_V4, 3), "IPv4 ping wirelab -> kernel");
        long[] k = kernel.transfer(wirelab.publicKey());
        assertTrue(k[0] > 0 && k[1] > 0, "kernel `wg show` counts bytes both ways");
    }

    @Test
    void wrongPeerKeyGetsNoHandshake() throws Exception {
        // Negative control for the checks above: the kernel knows a stranger's key instead of wirelab's.
        String stranger = WgDevice.pubkey(Command.run("wg", "genkey").strip());
        wirelab.wg("set", wirelab.ifname(), "peer", kernel.publicKey(), "allowed-ips", KERNEL_TUNNEL_V4 + "/32",
                "endpoint", KernelVm.GUEST_ADDRESS + ":" + KERNEL_PORT);
        kernel.addPeer(stranger, null, WIRELAB_TUNNEL_V4 + "/32");

        assertEquals(0, Ping.replies(ns, KERNEL_TUNNEL_V4, 2), "no reply through a tunnel the kernel refuses");
        assertTrue(wirelabTransfer()[1] > 0, "wirelab did send initiations");
        assertEquals(0, wirelabHandshake(), "wirelab completed no handshake");
        assertEquals(0, kernel.latestHandshake(stranger), "the kernel completed no handshake");
        assertArrayEquals(new long[] {0, 0}, kernel.transfer(stranger), "the kernel exchanged nothing with anyone");
    }

    private long wirelabHandshake() throws IOException {
        return Long.parseLong(wirelab.show("latest-handshakes").getOrDefault(kernel.publicKey(), "0").strip());
    }

    private long[] wirelabTransfer() throws IOException {
        String[] f = wirelab.show("transfer").get(kernel.publicKey()).strip().split("\t");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    /** busybox ping in the guest: {@code count} echo requests 0.2 s apart; the number of replies. */
    private static int guestPingReplies(String address, int count) throws Exception {
        KernelVm.Result r = vm.tryExec("ping -c " + count + " -i 0.2 -W 2 " + address, KernelVm.EXEC_LIMIT);
        Matcher m = GUEST_PING.matcher(r.out());
        if (!m.find()) {
            throw new IOException("guest ping " + address + " printed no summary: " + r.out());
        }
        return Integer.parseInt(m.group(2));
    }
}
