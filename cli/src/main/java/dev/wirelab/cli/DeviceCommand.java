package dev.wirelab.cli;

import dev.wirelab.datapath.CaptureFiles;
import dev.wirelab.datapath.UapiServer;
import dev.wirelab.datapath.DeviceMain;
import dev.wirelab.engine.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab device [-f] IFNAME}: a userspace WireGuard interface, started the way
 * wireguard.com/xplatform asks of every implementation, so `wg` and `wg-quick` drive it like
 * wireguard-go. Without {@code -f} it starts itself again in the foreground in a new session,
 * waits until that copy answers on its UAPI socket, and returns; errors of the copy are shown.
 */
@Command(
        name = "device", header = "Run a userspace WireGuard interface that `wg` configures.",
        description = {
            "Create the userspace WireGuard interface IFNAME (a TUN device) and serve its configuration "
                    + "socket /var/run/wireguard/IFNAME.sock (mode 0600), as wireguard-go does. Configure it with `wg` "
                    + "and `ip`. It exits on SIGINT/SIGTERM, when the interface is deleted (`ip link del IFNAME`) or "
                    + "when its socket file is removed. Needs root (or CAP_NET_ADMIN) and /dev/net/tun.",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the device started (in the background), or stopped cleanly (with -f)",
            "1:it could not start: the reason is printed (not root, no /dev/net/tun, name or socket taken)",
            "2:bad usage",
        },
        footer = {
            "%nExamples:",
            "  wirelab device wl0                      start in the background",
            "  wg set wl0 private-key ./private.key listen-port 51820 peer PUBKEY endpoint 192.0.2.2:51820 allowed-ips 10.0.0.2/32",
            "  ip address add 10.0.0.1/24 dev wl0 && ip link set wl0 up",
            "  wg show wl0",
            "  ip link del wl0                         stop it",
            "  WG_QUICK_USERSPACE_IMPLEMENTATION=/path/to/wirelab-device wg-quick up ./wl0.conf",
            "  wirelab device -f wl0                   in the foreground (logs on stderr, Ctrl-C stops it)",
            "  wirelab device --capture wl0.pcap --keylog wl0.keys wl0",
            "  tshark -r wl0.pcap -o wg.keylog_file:wl0.keys -d udp.port==51820,wg   decrypt (after the device stopped)",
        })
final class DeviceCommand implements Callable<Integer> {
    /** How long the background start waits for the device to answer on its socket. */
    private static final long START_TIMEOUT_SECONDS = 30;

    @Parameters(index = "0", paramLabel = "IFNAME", description = "interface name, at most 15 characters")
    private String name;

    @Option(names = {"-f", "--foreground"}, description = "stay in the foreground instead of detaching")
    private boolean foreground;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "reference",
            description = "where implementations differ, behave as: reference (the kernel), wireguard-go, boringtun "
                    + "(default: ${DEFAULT-VALUE})")
    private String profile;

    @Option(names = "--log", paramLabel = "FILE",
            description = "where the background device writes its log (default: /var/run/wireguard/IFNAME.log)")
    private Path log;

    @Option(names = "--remove-log-on-exit", paramLabel = "FILE", hidden = true,
            description = "the background start's log, removed when the device stops cleanly")
    private Path removeLogOnExit;

    @Option(names = "--capture", paramLabel = "FILE",
            description = "record every UDP datagram the device sends and receives to FILE (pcap, written until it stops)")
    private Path capture;

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "write the keys of every handshake to FILE (mode 0600), a Wireshark WireGuard key log "
                    + "(wg.keylog_file). It holds the private key in clear: for test keys")
    private Path keylog;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Profile chosen;
        try {
            chosen = Profile.named(profile);
            dev.wirelab.datapath.Tun.checkName(name);
        } catch (IllegalArgumentException e) {
            err.println("wirelab device: " + e.getMessage());
            return 1;
        }
        if (foreground) {
            err.flush();
            int status = DeviceMain.run(name, chosen, new CaptureFiles(capture, keylog), System.err);
            if (status == 0 && removeLogOnExit != null) {
                // A clean stop leaves nothing worth keeping; a crash keeps its log for the post-mortem.
                Files.deleteIfExists(removeLogOnExit);
            }
            return status;
        }
        return startBackground(err);
    }

    /** Starts this command again with --foreground, detached, and waits until its socket answers. */
    private int startBackground(PrintWriter err) throws IOException, InterruptedException {
        Path socket = UapiServer.socketPathFor(name);
        if (answers(socket)) {
            err.println("wirelab device " + name + ": " + socket + " is in use by another process: is " + name
                    + " running already? (`wg show " + name + "`)");
            return 1;
        }
        Path logFile = log != null ? log : socket.resolveSibling(name + ".log");
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>();
        // setsid: a new session, so the terminal's Ctrl-C or hang-up does not reach the device.
        command.add("setsid");
        command.addAll(selfCommand("device"));
        command.add("--foreground");
        command.add("--profile=" + profile);
        command.add("--remove-log-on-exit=" + logFile);
        // Absolute: the files are the user's, named from where they ran the command.
        if (capture != null) {
            command.add("--capture=" + capture.toAbsolutePath());
        }
        if (keylog != null) {
            command.add("--keylog=" + keylog.toAbsolutePath());
        }
        command.add(name);
        Process child = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .redirectErrorStream(true)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                err.print(Files.readString(logFile, StandardCharsets.UTF_8));
                Files.deleteIfExists(logFile);
                err.println("wirelab device " + name + ": did not start (exit status " + child.exitValue() + ")");
                return 1;
            }
            if (answers(socket)) {
                err.println("wirelab device " + name + ": running in the background as pid " + child.pid()
                        + " (log: " + logFile + ")");
                return 0;
            }
            Thread.sleep(20);
        }
        child.destroy();
        err.println("wirelab device " + name + ": no answer on " + socket + " after " + START_TIMEOUT_SECONDS
                + " s; stopped it. Its log: " + logFile);
        return 1;
    }

    /**
     * The command line that runs this same wirelab (this JVM, its options and classpath) with
     * {@code subcommand}: how the device detaches, and what `wirelab up` hands to the wg-quick logic
     * as its userspace implementation.
     */
    static List<String> selfCommand(String subcommand) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Wirelab.class.getName());
        command.add(subcommand);
        return command;
    }

    private static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return c.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException notYet) {
            return false;
        }
    }
}
