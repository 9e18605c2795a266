package dev.wirelab.interop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A userspace WireGuard that is started with an interface name and then configured only through its
 * UAPI socket (`wg`), as wireguard.com/xplatform specifies. Adding another implementation means
 * saying how to start it in the foreground, nothing more.
 */
public interface Implementation {
    /** Short name for reports: "wirelab", "wireguard-go". */
    String name();

    /** The command that runs interface {@code ifname} in the foreground until it is signalled. */
    List<String> command(String ifname);

    /** Debian's wireguard-go; -f keeps it in the foreground so its PID is the one to stop. */
    Implementation WIREGUARD_GO = foreground("wireguard-go", "wireguard-go");

    /**
     * Debian trixie's wireguard-go 0.0.20231211 (it calls itself v0.0.20230223): the one with batched
     * I/O and offloads, which Debian 12's predates. A Go binary that runs on Debian 12; .ci/run fetches
     * its package and unpacks it under /opt/wirelab (install_wireguard_go_2023).
     */
    Path WIREGUARD_GO_2023_BINARY = Path.of("/opt/wirelab/wireguard-go-2023/usr/bin/wireguard-go");

    Implementation WIREGUARD_GO_2023 = foreground("wireguard-go-2023", WIREGUARD_GO_2023_BINARY.toString());

    /** A wireguard-go build named {@code name}: {@code binary -f IFNAME}. */
    private static Implementation foreground(String name, String binary) {
        return of(name, ifname -> List.of(binary, "-f", ifname));
    }

    /** The implementation named {@code name} whose command for an interface {@code command} gives. */
    private static Implementation of(String name, java.util.function.Function<String, List<String>> command) {
        return new Implementation() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<String> command(String ifname) {
                return command.apply(ifname);
            }
        };
    }

    /**
     * Any program that follows the cross-platform userspace contract (wireguard.com/xplatform): it
     * runs in the foreground, creates the TUN interface named by its argument {@code {ifname}} and
     * serves /var/run/wireguard/IFNAME.sock. {@code template} is split into words ({@link #words}); each
     * "{ifname}" in them becomes the interface name. Named "exec:" + the template.
     */
    static Implementation exec(String template) {
        if (template.isBlank() || !template.contains("{ifname}")) {
            throw new IllegalArgumentException("exec:COMMAND needs {ifname} where the interface name goes, e.g."
                    + " 'exec:wireguard-go -f {ifname}'");
        }
        List<String> words = words(template);
        return of("exec:" + template.strip(), ifname -> words.stream().map(w -> w.replace("{ifname}", ifname)).toList());
    }

    /**
     * {@code text} split at spaces, as a shell would for plain words: single or double quotes keep
     * spaces inside one word ({@code sh -c 'sleep 60' {ifname}}); nothing else is special.
     */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("exec:" + text + ": a quote (" + quote + ") is not closed");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * wirelab's device, started from this JVM's own classpath (the test's, or the wirelab jar's) on
     * the same JDK: `wirelab device -f IFNAME` without the cli module on the path.
     */
    Implementation WIRELAB = wirelab(null, null);

    /**
     * wirelab's device recording its UDP side to {@code pcap} and its handshakes' keys to
     * {@code keylog} (either null: not recorded); both are complete once the device stopped.
     */
    static Implementation wirelab(Path pcap, Path keylog) {
        return wirelab("wirelab", List.of(), null, pcap, keylog);
    }

    /**
     * wirelab's device named {@code name} in reports, its JVM started with {@code jvmOptions} too (a
     * test's Java agent, for example), its engine on {@code profile} (reference, wireguard-go or
     * boringtun; null: reference).
     */
    static Implementation wirelab(String name, List<String> jvmOptions, String profile, Path pcap, Path keylog) {
        return of(name, ifname -> {
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xshare:auto"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.wirelab.datapath.DeviceMain", ifname));
            if (profile != null) {
                command.add(profile);
            }
            if (pcap != null) {
                command.addAll(List.of("--capture", pcap.toAbsolutePath().toString()));
            }
            if (keylog != null) {
                command.addAll(List.of("--keylog", keylog.toAbsolutePath().toString()));
            }
            return command;
        });
    }
}
