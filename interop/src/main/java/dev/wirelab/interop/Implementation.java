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
    Implementation WIREGUARD_GO = new Implementation() {
        @Override
        public String name() {
            return "wireguard-go";
        }

        @Override
        public List<String> command(String ifname) {
            return List.of("wireguard-go", "-f", ifname);
        }
    };

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
        return wirelab("wirelab", List.of(), pcap, keylog);
    }

    /**
     * wirelab's device named {@code name} in reports, its JVM started with {@code jvmOptions} too (a
     * test's Java agent, for example).
     */
    static Implementation wirelab(String name, List<String> jvmOptions, Path pcap, Path keylog) {
        return new Implementation() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<String> command(String ifname) {
                List<String> command = new ArrayList<>(List.of(
                        ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
                        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xshare:auto"));
                command.addAll(jvmOptions);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.wirelab.datapath.DeviceMain", ifname));
                if (pcap != null) {
                    command.addAll(List.of("--capture", pcap.toAbsolutePath().toString()));
                }
                if (keylog != null) {
                    command.addAll(List.of("--keylog", keylog.toAbsolutePath().toString()));
                }
                return command;
            }
        };
    }
}
