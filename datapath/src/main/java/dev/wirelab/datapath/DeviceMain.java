package dev.wirelab.datapath;

import dev.wirelab.capture.Tshark;
import dev.wirelab.engine.Profile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link UserspaceDevice} in the foreground until it stops: what `wirelab device -f IFNAME` runs,
 * and, through {@link #main}, how the interop harness starts a wirelab device inside a network
 * namespace from a plain classpath (it cannot depend on the cli module, which depends on it).
 */
public final class DeviceMain {
    private DeviceMain() {}

    private static final String USAGE =
            "usage: DeviceMain IFNAME [reference|wireguard-go|boringtun] [--capture FILE.pcap] [--keylog FILE.keys]";

    /**
     * {@code IFNAME [PROFILE] [--capture FILE] [--keylog FILE]}: runs the device; exits 0 when it
     * stopped cleanly, 1 when it could not start, 2 on bad usage.
     */
    public static void main(String[] args) throws InterruptedException {
        List<String> positional = new ArrayList<>();
        Path pcap = null;
        Path keylog = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--capture", "--keylog" -> {
                    if (i + 1 == args.length) {
                        usage(args[i] + " needs a file");
                    }
                    Path file = Path.of(args[++i]);
                    if (args[i - 1].equals("--capture")) {
                        pcap = file;
                    } else {
                        keylog = file;
                    }
                }
                default -> positional.add(args[i]);
            }
        }
        if (positional.isEmpty() || positional.size() > 2) {
            usage(null);
        }
        Profile profile = null;
        try {
            profile = Profile.named(positional.size() == 2 ? positional.get(1) : "reference");
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
        }
        System.exit(run(positional.getFirst(), profile, new CaptureFiles(pcap, keylog), System.err));
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println(problem);
        }
        System.err.println(USAGE);
        System.exit(2);
    }

    /** As {@link #run(String, Profile, CaptureFiles, PrintStream)} recording nothing. */
    public static int run(String name, Profile profile, PrintStream log) throws InterruptedException {
        return run(name, profile, CaptureFiles.NONE, log);
    }

    /**
     * Starts the device, says so on {@code log}, and blocks until it stops (interface deleted, socket
     * removed, or SIGINT/SIGTERM, through a shutdown hook), recording to {@code files}. At the stop
     * it says what was recorded and the tshark command that decrypts it.
     *
     * @return 0 after a clean stop, 1 when it could not start (the reason is on {@code log})
     */
    public static int run(String name, Profile profile, CaptureFiles files, PrintStream log) throws InterruptedException {
        UserspaceDevice device;
        try {
            device = UserspaceDevice.start(name, profile, files);
        } catch (IOException | IllegalArgumentException e) {
            log.println("wirelab device " + name + ": " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(() -> closeQuietly(device, log), "shutdown " + name);
        Runtime.getRuntime().addShutdownHook(hook);
        log.println("wirelab device " + name + ": interface " + name + " created, UDP port " + device.port()
                + ", configuration socket " + device.socketPath() + " (profile " + profile.name() + ", pid "
                + ProcessHandle.current().pid() + ")");
        String reason = device.awaitStopped();
        log.println("wirelab device " + name + ": stopping: " + reason);
        closeQuietly(device, log);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // A signal stopped us: the hook is running already.
        }
        return 0;
    }

    /** Closes the device once (the shutdown hook and the main thread may both get here). */
    private static void closeQuietly(UserspaceDevice device, PrintStream log) {
        synchronized (device) {
            if (device.closed()) {
                return;
            }
            try {
                device.close();
            } catch (IOException | RuntimeException e) {
                log.println("wirelab device " + device.name() + ": while stopping: " + e.getMessage());
            }
            String recorded = device.captureSummary();
            if (recorded != null) {
                log.println("wirelab device " + device.name() + ": recorded " + recorded);
            }
            CaptureFiles files = device.captureFiles();
            if (files.pcap() != null && files.keylog() != null) {
                log.println("wirelab device " + device.name() + ": decrypt with: "
                        + Tshark.userCommand(files.pcap(), files.keylog(), List.of(device.port())));
            }
        }
    }
}
