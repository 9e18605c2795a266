package dev.wirelab.conformance;

import dev.wirelab.interop.Implementation;
import dev.wirelab.interop.Netns;
import dev.wirelab.interop.Ping;
import dev.wirelab.interop.Proc;
import dev.wirelab.interop.Veth;
import dev.wirelab.interop.WgDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An implementation the conformance suite can start. Adding one (boringtun, a user's own) means
 * saying how it starts; the checks configure it only through `wg` and `ip`.
 */
public interface Target {
    /** The name in the matrix. */
    String name();

    /**
     * Starts a fresh instance with a new private key listening on {@link Lab#TARGET_PORT} at
     * {@link Lab#TARGET_UNDERLAY}, reachable from {@link Lab#HARNESS_UNDERLAY} in the namespace it returns.
     */
    TargetHandle start(Path logDir) throws Exception;

    /** A userspace implementation started in its own namespace, linked to the harness's by a veth pair. */
    static Target inNamespace(Implementation implementation) {
        return new Target() {
            @Override
            public String name() {
                return implementation.name();
            }

            @Override
            public TargetHandle start(Path logDir) throws Exception {
                Netns harness = Netns.create("wl-h-");
                Netns target = null;
                try {
                    target = Netns.create("wl-t-");
                    Veth.link(harness, target, new String[] {Lab.HARNESS_UNDERLAY + "/24"},
                            new String[] {Lab.TARGET_UNDERLAY + "/24"});
                    WgDevice d = WgDevice.start(target, implementation, "wlt", Lab.TARGET_PORT, logDir);
                    return new NamespaceHandle(harness, target, d);
                } catch (Exception e) {
                    if (target != null) {
                        target.close();
                    }
                    harness.close();
                    throw e;
                }
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /** The handle of a {@link #inNamespace} target. */
    record NamespaceHandle(Netns harness, Netns target, WgDevice device) implements TargetHandle {
        @Override
        public String ifname() {
            return device.ifname();
        }

        @Override
        public String publicKey() {
            return device.publicKey();
        }

        @Override
        public Netns harnessNamespace() {
            return harness;
        }

        @Override
        public String wg(String... args) throws IOException {
            return device.wg(args);
        }

        @Override
        public String ip(String... args) throws IOException {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "ip";
            System.arraycopy(args, 0, cmd, 1, args.length);
            return target.run(cmd);
        }

        @Override
        public int ping(String address, int count) throws IOException {
            return Ping.replies(target, address, count);
        }

        @Override
        public AutoCloseable pingInBackground(String address, int seconds) throws IOException {
            Proc p = target.start(List.of("ping", "-n", "-q", "-c", Integer.toString(seconds), "-i", "1", address),
                    java.nio.file.Files.createTempFile("wl-ping", ".log"));
            return p::stop;
        }

        @Override
        public void close() {
            try {
                target.close();
            } finally {
                harness.close();
            }
        }
    }
}
