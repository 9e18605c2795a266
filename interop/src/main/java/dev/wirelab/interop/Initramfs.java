package dev.wirelab.interop;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The guest's whole root file system, built from this machine's installed packages each time a VM
 * boots (so nothing binary is committed, and it always matches the kernel and tools installed):
 * static busybox, the host's `wg` with the shared libraries `ldd` names, the kernel's wireguard and
 * virtio_net modules with their dependencies (decompressed, for busybox insmod), and kernel-vm-init.sh
 * as /init. Written as a gzip'd cpio "newc" archive, the format the kernel unpacks
 * (Documentation/driver-api/early-userspace/buffer-format.rst).
 */
public final class Initramfs {
    /**
     * What the guest needs from the kernel: the virtio PCI transport and NIC driver, and WireGuard.
     * Dependencies are added; built-in ones skipped.
     */
    static final List<String> MODULES = List.of("virtio_pci", "virtio_net", "wireguard");

    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path WG = Path.of("/usr/bin/wg");
    private static final long TOOL_SECONDS_MAX = 60;
    /** `ldd` lines: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" and "/lib64/ld-linux-x86-64.so.2 (0x…)". */
    private static final Pattern LDD_PATH = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

    private Initramfs() {}

    /** Writes the initramfs for {@code kernel} to {@code out}, using {@code work} for decompressed modules. */
    public static void build(KernelImage kernel, Path out, Path work) throws IOException {
        requireStatic(BUSYBOX);
        byte[] init;
        try (InputStream in = Initramfs.class.getResourceAsStream("kernel-vm-init.sh")) {
            if (in == null) {
                throw new IOException("kernel-vm-init.sh is missing from the classpath");
            }
            init = in.readAllBytes();
        }
        Files.createDirectories(work);
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out));
                GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16);
                Cpio cpio = new Cpio(gz)) {
            // The kernel opens /dev/console for init's stdin and stdout before /init can mount devtmpfs.
            cpio.directory("dev");
            cpio.characterDevice("dev/console", 5, 1);
            cpio.file("init", 0755, init);
            cpio.file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX));
            cpio.file("usr/bin/wg", 0755, Files.readAllBytes(WG));
            for (Path lib : sharedLibraries(WG)) {
                // Stored under the name the loader asks for; toRealPath reads through /lib64 -> usr/lib64 links.
                cpio.file(lib.toString().substring(1), 0755, Files.readAllBytes(lib.toRealPath()));
            }
            StringBuilder order = new StringBuilder();
            for (Path module : kernel.loadOrder(MODULES)) {
                String name = KernelImage.moduleName(module) + ".ko";
                Path plain = work.resolve(name);
                decompress(module, plain);
                cpio.file("modules/" + name, 0644, Files.readAllBytes(plain));
                Files.delete(plain);
                order.append(name).append('\n');
            }
            cpio.file("modules/order", 0644, order.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** busybox must be the static one: the guest has no libc of its own for it. */
    private static void requireStatic(Path binary) throws IOException {
        Command.Result r = Command.tryRun("ldd", binary.toString());
        if (r.ok() && LDD_PATH.matcher(r.out()).find()) {
            throw new IOException(binary + " is dynamically linked: install busybox-static (it replaces busybox)");
        }
    }

    /** The files `ldd` says {@code binary} loads (the vDSO has no path and is skipped). */
    private static List<Path> sharedLibraries(Path binary) throws IOException {
        List<Path> libs = new ArrayList<>();
        Matcher m = LDD_PATH.matcher(Command.run("ldd", binary.toString()));
        while (m.find()) {
            libs.add(Path.of(m.group(1)));
        }
        return libs;
    }

    /**
     * Debian ships modules as .ko.xz; busybox insmod wants them plain. xz and zstd have no JDK codec,
     * so their own tools do it (xz-utils is in .ci/run's packages).
     */
    private static void decompress(Path module, Path plain) throws IOException {
        String n = module.getFileName().toString();
        if (n.endsWith(".ko")) {
            Files.copy(module, plain);
        } else if (n.endsWith(".ko.gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(module))) {
                Files.copy(in, plain);
            }
        } else if (n.endsWith(".ko.xz") || n.endsWith(".ko.zst")) {
            String tool = n.endsWith(".xz") ? "xz" : "zstd";
            Process p = new ProcessBuilder(tool, "-d", "-c", module.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(plain.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                if (!p.waitFor(TOOL_SECONDS_MAX, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(tool + " -d " + module + " took longer than " + TOOL_SECONDS_MAX + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while decompressing " + module, e);
            }
            if (p.exitValue() != 0) {
                throw new IOException("`" + tool + " -d " + module + "` exited " + p.exitValue());
            }
        } else {
            throw new IOException("unknown module compression: " + module);
        }
    }

    /**
     * A cpio "newc" writer: per entry a 110-byte ASCII header (magic 070701, then 13 fields of 8 hex
     * digits: ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
     * namesize with its NUL, check), the name and NUL padded to 4 bytes, the data padded to 4 bytes;
     * "TRAILER!!!" ends the archive. Parent directories are written before their first entry.
     */
    static final class Cpio implements AutoCloseable {
        private static final int S_IFDIR = 0040000;
        private static final int S_IFREG = 0100000;
        private static final int S_IFCHR = 0020000;

        private final OutputStream out;
        private final Set<String> directories = new HashSet<>();
        private int inode = 1;

        Cpio(OutputStream out) {
            this.out = out;
        }

        void directory(String path) throws IOException {
            if (path.isEmpty() || !directories.add(path)) {
                return;
            }
            parents(path);
            entry(path, S_IFDIR | 0755, 2, 0, 0, new byte[0]);
        }

        void file(String path, int permissions, byte[] data) throws IOException {
            parents(path);
            entry(path, S_IFREG | permissions, 1, 0, 0, data);
        }

        void characterDevice(String path, int major, int minor) throws IOException {
            parents(path);
            entry(path, S_IFCHR | 0600, 1, major, minor, new byte[0]);
        }

        private void parents(String path) throws IOException {
            int slash = path.lastIndexOf('/');
            if (slash > 0) {
                directory(path.substring(0, slash));
            }
        }

        private void entry(String name, int mode, int links, int rdevMajor, int rdevMinor, byte[] data)
                throws IOException {
            byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
            String header = "070701" + hex(inode++) + hex(mode) + hex(0) + hex(0) + hex(links) + hex(0)
                    + hex(data.length) + hex(0) + hex(0) + hex(rdevMajor) + hex(rdevMinor) + hex(n.length) + hex(0);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(n);
            pad(header.length() + n.length);
            out.write(data);
            pad(data.length);
        }

        private void pad(int written) throws IOException {
            out.write(new byte[(4 - written % 4) % 4]);
        }

        private static String hex(int v) {
            return String.format("%08x", v);
        }

        @Override
        public void close() throws IOException {
            entry("TRAILER!!!", 0, 1, 0, 0, new byte[0]);
            out.flush();
        }
    }
}
