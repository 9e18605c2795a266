package dev.wirelab.cli;

import dev.wirelab.datapath.config.ConfigException;
import dev.wirelab.datapath.config.WgQuick;
import dev.wirelab.datapath.config.WgQuickException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab up CONFIG} and {@code wirelab down CONFIG}: wg-quick(8) for wirelab's own device,
 * without wg-quick: the same file format, the same steps (hooks, addresses, MTU, routes, policy
 * routing for default routes, DNS through resolvconf), printed as wg-quick prints them.
 */
final class UpDown {
    private UpDown() {}

    static Path resolve(String config) {
        Path p = Path.of(config);
        if (!config.contains("/") && !config.endsWith(".conf")) {
            return Path.of("/etc/wireguard", config + ".conf");
        }
        return p;
    }

    static int run(CommandSpec spec, String config, boolean up) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Path file = resolve(config);
        if (!Files.isRegularFile(file)) {
            err.println("wirelab " + (up ? "up" : "down") + ": " + file + " does not exist or is not a file");
            return 1;
        }
        WgQuick.Options options = WgQuick.Options.of(DeviceCommand.selfCommand("device"), WgQuick.Launch.DAEMON)
                .withProgress(line -> {
                    err.println(line);
                    err.flush();
                });
        try {
            if (up) {
                WgQuick.up(file, options);
            } else {
                WgQuick.down(file, options);
            }
            return 0;
        } catch (ConfigException | WgQuickException e) {
            err.println("wirelab " + (up ? "up" : "down") + ": " + e.getMessage());
            return 1;
        }
    }

    @Command(name = "up", header = "Bring up a wg-quick style file on wirelab's device.", description = {
        "Bring up a WireGuard interface from a wg-quick style file, on wirelab's userspace device. Needs "
                + "root.",
    }, footer = {
        "%nCONFIG is a wg-quick file: [Interface] PrivateKey, ListenPort, FwMark, Address, DNS, MTU, Table, "
                + "PreUp/PostUp/PreDown/PostDown; [Peer] PublicKey, PresharedKey, Endpoint, AllowedIPs, "
                + "PersistentKeepalive. The interface is named after the file (wl0.conf -> wl0); a bare name means "
                + "/etc/wireguard/NAME.conf. SaveConfig = true is refused (save with `wg showconf`).",
        "%nExamples:",
        "  wirelab up ./wl0.conf",
        "  wirelab down ./wl0.conf",
    })
    static final class Up implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CONFIG", description = "a wg-quick file, or an interface name")
        private String config;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            return run(spec, config, true);
        }
    }

    @Command(name = "down", header = "Take down what `wirelab up` brought up.", description = {
        "Take down an interface brought up from a wg-quick style file: hooks, rules, DNS, then the "
                + "interface itself (which stops its device). Needs root. The file format: `wirelab up --help`.",
    }, footer = {"%nExample:%n  wirelab down ./wl0.conf"})
    static final class Down implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CONFIG", description = "the file it was brought up from, or its name")
        private String config;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            return run(spec, config, false);
        }
    }
}
