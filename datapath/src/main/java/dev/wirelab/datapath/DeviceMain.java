package dev.wirelab.datapath;

import dev.wirelab.engine.Profile;
import java.io.IOException;
import java.io.PrintStream;

/**
 * A {@link UserspaceDevice} in the foreground until it stops: what `wirelab device -f IFNAME` runs,
 * and, through {@link #main}, how the interop harness starts a wirelab device inside a network
 * namespace from a plain classpath (it cannot depend on the cli module, which depends on it).
 */
public final class DeviceMain {
    private DeviceMain() {}

    /** {@code IFNAME [PROFILE]}: runs the device; exits 0 when it stopped cleanly, 1 when it could not start. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: DeviceMain IFNAME [reference|wireguard-go|boringtun]");
            System.exit(2);
        }
        Profile profile;
        try {
            profile = Profile.named(args.length == 2 ? args[1] : "reference");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(args[0], profile, System.err));
    }

    /**
     * Starts the device, says so on {@code log}, and blocks until it stops (interface deleted, socket
     * removed, or SIGINT/SIGTERM, through a shutdown hook).
     *
     * @return 0 after a clean stop, 1 when it could not start (the reason is on {@code log})
     */
    public static int run(String name, Profile profile, PrintStream log) throws InterruptedException {
        UserspaceDevice device;
        try {
            device = UserspaceDevice.start(name, profile);
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

    private static void closeQuietly(UserspaceDevice device, PrintStream log) {
        try {
            device.close();
        } catch (IOException | RuntimeException e) {
            log.println("wirelab device " + device.name() + ": while stopping: " + e.getMessage());
        }
    }
}
