package dev.wirelab.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An installed Debian kernel that KernelVm can boot: /boot/vmlinuz-VERSION whose /lib/modules/VERSION
 * has the wireguard module. Found at test time, never hard-coded, because the version changes with
 * every kernel update (and the machine's running kernel may have no WireGuard at all).
 */
public record KernelImage(String version, Path vmlinuz, Path modulesDir) {
    private static final Path BOOT = Path.of("/boot");
    private static final Path MODULES = Path.of("/lib/modules");

    /**
     * The newest installed kernel with a wireguard module, or an IOException saying what to install
     * (.ci/run installs linux-image-amd64 when none is present).
     */
    public static KernelImage find() throws IOException {
        List<KernelImage> found = new ArrayList<>();
        if (Files.isDirectory(BOOT)) {
            try (Stream<Path> files = Files.list(BOOT)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith("vmlinuz-")).toList()) {
                    String version = f.getFileName().toString().substring("vmlinuz-".length());
                    KernelImage k = new KernelImage(version, f, MODULES.resolve(version));
                    if (Files.isReadable(f) && k.moduleDependencies().containsKey("wireguard")) {
                        found.add(k);
                    }
                }
            }
        }
        return found.stream().max(Comparator.comparing(KernelImage::version, KernelImage::compareVersions))
                .orElseThrow(() -> new IOException("no /boot/vmlinuz-VERSION with a wireguard module in "
                        + "/lib/modules/VERSION/modules.dep: install a Debian kernel image (apt-get install "
                        + "linux-image-amd64; .ci/run does so when none is present)"));
    }

    /**
     * The kernel at {@code vmlinuz} (/boot/vmlinuz-VERSION), or an IOException saying why it cannot be
     * booted here: no such file, or no wireguard module in /lib/modules/VERSION.
     */
    public static KernelImage at(Path vmlinuz) throws IOException {
        String file = vmlinuz.getFileName().toString();
        if (!file.startsWith("vmlinuz-") || !Files.isReadable(vmlinuz)) {
            throw new IOException(vmlinuz + ": not a readable /boot/vmlinuz-VERSION");
        }
        String version = file.substring("vmlinuz-".length());
        KernelImage k = new KernelImage(version, vmlinuz, MODULES.resolve(version));
        if (!k.moduleDependencies().containsKey("wireguard")) {
            throw new IOException(vmlinuz + ": " + k.modulesDir() + "/modules.dep has no wireguard module");
        }
        return k;
    }

    /**
     * modules.dep as module name (file name without .ko and compression suffix) → its path and the
     * paths it needs; empty if this kernel has no modules.dep.
     */
    public Map<String, List<Path>> moduleDependencies() throws IOException {
        Path dep = modulesDir.resolve("modules.dep");
        Map<String, List<Path>> m = new LinkedHashMap<>();
        if (!Files.isReadable(dep)) {
            return m;
        }
        for (String line : Files.readAllLines(dep)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            List<Path> paths = new ArrayList<>();
            paths.add(modulesDir.resolve(line.substring(0, colon)));
            for (String d : line.substring(colon + 1).trim().split("\\s+")) {
                if (!d.isEmpty()) {
                    paths.add(modulesDir.resolve(d));
                }
            }
            m.put(moduleName(paths.getFirst()), paths);
        }
        return m;
    }

    /**
     * The module files to load for {@code names}, each after everything it depends on (depth first
     * over modules.dep, so the order does not rely on how depmod sorted each line).
     */
    public List<Path> loadOrder(List<String> names) throws IOException {
        Map<String, List<Path>> deps = moduleDependencies();
        Set<String> builtin = builtinModules();
        List<Path> order = new ArrayList<>();
        for (String name : names) {
            // Debian builds some drivers in on one kernel and as modules on another (virtio_pci: built
            // in on 6.12, a module on 6.1); a built-in one needs nothing loaded.
            if (!deps.containsKey(name) && builtin.contains(name)) {
                continue;
            }
            visit(name, deps, order, new ArrayList<>());
        }
        return order;
    }

    /** The names in modules.builtin: drivers compiled into this kernel. */
    public Set<String> builtinModules() throws IOException {
        Path f = modulesDir.resolve("modules.builtin");
        Set<String> names = new HashSet<>();
        if (Files.isReadable(f)) {
            for (String line : Files.readAllLines(f)) {
                if (!line.isBlank()) {
                    names.add(moduleName(Path.of(line.strip())));
                }
            }
        }
        return names;
    }

    private static void visit(String name, Map<String, List<Path>> deps, List<Path> order, List<String> path)
            throws IOException {
        List<Path> entry = deps.get(name);
        if (entry == null) {
            throw new IOException("module " + name + " is not in modules.dep (needed by " + path + ")");
        }
        if (order.contains(entry.getFirst())) {
            return;
        }
        if (path.contains(name)) {
            throw new IOException("modules.dep has a cycle: " + path + " -> " + name);
        }
        path.add(name);
        for (Path d : entry.subList(1, entry.size())) {
            visit(moduleName(d), deps, order, path);
        }
        path.removeLast();
        order.add(entry.getFirst());
    }

    /** "kernel/net/ipv4/udp_tunnel.ko.xz" → "udp_tunnel". */
    static String moduleName(Path file) {
        String n = file.getFileName().toString();
        return n.substring(0, n.indexOf(".ko"));
    }

    /** Compares dotted versions number by number ("6.12.10" after "6.9.2"), the rest as text. */
    private static int compareVersions(String a, String b) {
        String[] x = a.split("[.+~-]");
        String[] y = b.split("[.+~-]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].matches("\\d{1,9}") && y[i].matches("\\d{1,9}")
                    ? Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]))
                    : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
