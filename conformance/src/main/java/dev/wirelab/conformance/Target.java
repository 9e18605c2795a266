package dev.wirelab.conformance;

import dev.wirelab.interop.Implementation;
import dev.wirelab.interop.KernelTarget;
import dev.wirelab.interop.KernelVm;
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

    /**
     * Whose declared {@link Differences} this target has: its own name, unless it is another build of
     * a known implementation (an exec: target of wireguard-go, a mutant of wirelab).
     */
    default String differencesOf() {
        return name();
    }

    /** {@code target}, judged by the differences declared for {@code declared}. */
    static Target withDifferencesOf(Target target, String declared) {
        return new Target() {
            @Override
            public String name() {
                return target.name();
            }

            @Override
            public String differencesOf() {
                return declared;
            }

            @Override
            public TargetHandle start(Path logDir) throws Exception {
                return target.start(logDir);
            }

            @Override
            public void close() {
                target.close();
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /** Releases what instances shared (a booted VM); called once after the last check. */
    default void close() {}

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

    /**
     * Kernel WireGuard in a qemu VM ({@link KernelVm}): booted once, at the first check, in the
     * harness's namespace with the guest at {@link Lab#TARGET_UNDERLAY}; each check gets a new `wg0`,
     * which for the kernel is a new instance (all state is per interface).
     */
    static Target kernel() {
        return kernel("kernel", null);
    }

    /** As {@link #kernel()}, booting {@code image} (null: the newest installed), named {@code name}. */
    static Target kernel(String name, dev.wirelab.interop.KernelImage image) {
        return new Target() {
            private Netns ns;
            private KernelVm vm;

            @Override
            public String name() {
                return name;
            }

            @Override
            public synchronized TargetHandle start(Path logDir) throws Exception {
                if (vm == null) {
                    ns = Netns.create("wl-kc-");
                    try {
                        vm = image == null ? KernelVm.boot(ns, logDir.getParent()) : KernelVm.boot(ns, image, logDir.getParent());
                    } catch (Exception e) {
                        ns.close();
                        ns = null;
                        throw e;
                    }
                }
                return new KernelHandle(ns, KernelTarget.create(vm, "wg0", Lab.TARGET_PORT));
            }

            @Override
            public synchronized void close() {
                if (vm != null) {
                    vm.close();
                    vm = null;
                }
                if (ns != null) {
                    ns.close();
                    ns = null;
                }
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /** The handle of a {@link #kernel} target: `wg`, `ip` and busybox `ping` run in the guest. */
    record KernelHandle(Netns harnessNamespace, KernelTarget device) implements TargetHandle {
        @Override
        public int ping(String address, int count) throws IOException {
            KernelVm.Result r = device.vm().tryExec("ping -c " + count + " -i 0.2 -W 2 " + address,
                    java.time.Duration.ofSeconds(30));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) packets received").matcher(r.out());
            if (!m.find()) {
                throw new IOException("guest ping printed no summary: " + r.out());
            }
            return Integer.parseInt(m.group(1));
        }

        @Override
        public String read(String path) throws IOException {
            return device.vm().exec("cat " + path);
        }

        @Override
        public AutoCloseable pingInBackground(String address, int seconds) throws IOException {
            String pid = device.vm().exec("ping -c " + seconds + " " + address + " >/dev/null 2>&1 & echo $!").strip();
            return () -> device.vm().tryExec("kill " + pid + " 2>/dev/null; true", java.time.Duration.ofSeconds(10));
        }

        @Override
        public void close() {
            try {
                device.close();
            } catch (IOException e) {
                // The next check creates wg0 again and says so if the guest is broken.
            }
        }
    }

    /** The handle of a {@link #inNamespace} target. */
    record NamespaceHandle(Netns harnessNamespace, Netns target, WgDevice device) implements TargetHandle {
        @Override
        public int ping(String address, int count) throws IOException {
            return Ping.replies(target, address, count);
        }

        @Override
        public String read(String path) throws IOException {
            return target.run("cat", path);
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
                harnessNamespace.close();
            }
        }
    }
}
