package dev.wirelab.interop;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Debian kernel booted under qemu inside a {@link Netns}, reachable over a tap device there: the way
 * to run kernel WireGuard on a machine whose own kernel cannot load it.
 *
 * <pre>
 *   namespace                                   guest (qemu, TCG)
 *   tap  192.0.2.1/24  ───── virtio-net ─────   eth0 192.0.2.2/24
 *   console socket  ───────── ttyS0 ─────────   /init: runs one command per line
 * </pre>
 * Boot: the initramfs is built from the installed packages ({@link Initramfs}), qemu starts with its
 * serial console on a unix socket this class reads (each line written to a log with the seconds since
 * qemu started), and the boot is done when /init says it is ready. qemu is a {@link Proc}, stopped by
 * PID on {@link #close}; every wait has a time limit, because qemu pauses instead of exiting on some
 * internal errors.
 */
public final class KernelVm implements AutoCloseable {
    public static final String HOST_ADDRESS = "192.0.2.1";
    public static final String GUEST_ADDRESS = "192.0.2.2";
    private static final int PREFIX_LENGTH = 24;

    /** Boot takes about 4 s on an idle machine under TCG; other builds share the cores. */
    private static final long BOOT_SECONDS_MAX = 120;
    /** Default limit for one guest command (a ping of a few packets under TCG included). */
    public static final Duration EXEC_LIMIT = Duration.ofSeconds(60);
    private static final long POWEROFF_SECONDS_MAX = 10;
    private static final long READER_JOIN_SECONDS_MAX = 5;
    /** The tty's canonical line limit is 4095; stay well under it. */
    private static final int COMMAND_CHARS_MAX = 3000;
    /** Unconsumed console text kept for {@link #tryExec}; older text is only in the log. */
    private static final int PENDING_CHARS_MAX = 1 << 20;
    private static final Pattern READY = Pattern.compile("wirelab-init: ready, uptime (\\S+) s\\r?\\n");
    private static final Pattern FAILED = Pattern.compile("wirelab-init: FAILED: [^\\r\\n]*");

    /** What a guest command did: its exit status and its output (stdout and stderr together). */
    public record Result(String command, int exit, String out) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private final Netns ns;
    private final String tap;
    private final Path tempDir;
    private final Path consoleLog;
    /** Makes this VM's console markers unlike anything a command prints by accident. */
    private final String nonce = Names.unique("", 8);
    private final AtomicLong commands = new AtomicLong();
    private Proc qemu;
    private Console console;
    private Duration bootTime;
    private String guestUptimeAtReady;
    private boolean broken;

    private KernelVm(Netns ns, String tap, Path tempDir, Path consoleLog) {
        this.ns = ns;
        this.tap = tap;
        this.tempDir = tempDir;
        this.consoleLog = consoleLog;
    }

    /**
     * Boots the newest installed kernel that has WireGuard in {@code ns}, with a new tap device there
     * ({@value #HOST_ADDRESS}/24) and the guest's eth0 at {@value #GUEST_ADDRESS}/24; returns once the
     * guest's /init is ready for commands. Console and qemu logs go to {@code logDir}.
     */
    public static KernelVm boot(Netns ns, Path logDir) throws IOException, InterruptedException {
        return boot(ns, KernelImage.find(), logDir);
    }

    /** As {@link #boot(Netns, Path)}, with a kernel of the caller's choice. */
    public static KernelVm boot(Netns ns, KernelImage kernel, Path logDir) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        String tap = Names.interfaceName("wltap");
        Path tempDir = Files.createTempDirectory("wl-vm-");
        KernelVm vm = new KernelVm(ns, tap, tempDir, logDir.resolve("console-" + tap + ".log"));
        try {
            vm.start(kernel, logDir.resolve("qemu-" + tap + ".log"));
            return vm;
        } catch (IOException | InterruptedException | RuntimeException e) {
            vm.close();
            throw e;
        }
    }

    private void start(KernelImage kernel, Path qemuLog) throws IOException, InterruptedException {
        Path initramfs = tempDir.resolve("initramfs.cpio.gz");
        Initramfs.build(kernel, initramfs, tempDir.resolve("modules"));
        ns.run("ip", "tuntap", "add", "dev", tap, "mode", "tap");
        ns.run("ip", "address", "add", HOST_ADDRESS + "/" + PREFIX_LENGTH, "dev", tap);
        ns.run("ip", "link", "set", tap, "up");

        Path socket = tempDir.resolve("console.sock");
        List<String> command = List.of("qemu-system-x86_64", "-name", "wirelab-" + tap,
                // /dev/kvm here is not hardware virtualization: KVM boots die in instruction emulation.
                "-accel", "tcg", "-cpu", "max", "-m", "256", "-smp", "1",
                // No default devices (VGA, NIC, monitor on stdio); -no-reboot with panic=-1 turns a
                // guest panic or a failed /init into qemu exiting.
                "-nodefaults", "-nographic", "-no-reboot",
                // wait=on: the guest starts only once this class is connected, so no console line is lost.
                "-chardev", "socket,id=console,path=" + socket + ",server=on,wait=on", "-serial", "chardev:console",
                // romfile= : no iPXE option ROM, the guest never boots from the network.
                "-netdev", "tap,id=net0,ifname=" + tap + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=net0,romfile=",
                "-kernel", kernel.vmlinuz().toString(), "-initrd", initramfs.toString(),
                "-append", "console=ttyS0 panic=-1 wirelab.ip=" + GUEST_ADDRESS + "/" + PREFIX_LENGTH);
        long startNanos = System.nanoTime();
        qemu = ns.start(command, qemuLog);
        long deadline = startNanos + TimeUnit.SECONDS.toNanos(BOOT_SECONDS_MAX);

        SocketChannel channel = connect(socket, deadline);
        console = new Console(channel, consoleLog, startNanos);
        console.log("host: qemu pid " + qemu.pid() + ", kernel " + kernel.version() + ", tap " + tap + " in " + ns);
        Matcher ready;
        try {
            ready = console.await(READY, "/init's ready line", deadline, this::qemuAlive);
        } catch (IOException e) {
            Matcher failed = FAILED.matcher(console.tail());
            throw new IOException("guest did not become ready" + (failed.find() ? " (" + failed.group() + ")" : "")
                    + ": " + e.getMessage() + "; qemu: " + qemu.log().strip() + "; console log " + consoleLog, e);
        }
        bootTime = Duration.ofNanos(System.nanoTime() - startNanos);
        guestUptimeAtReady = ready.group(1);
        console.log("host: ready after " + bootTime.toMillis() + " ms");
    }

    private SocketChannel connect(Path socket, long deadline) throws IOException, InterruptedException {
        while (true) {
            if (!qemu.alive()) {
                throw new IOException("qemu exited before opening its console: " + qemu.log().strip());
            }
            if (Files.exists(socket)) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    c.connect(UnixDomainSocketAddress.of(socket));
                    return c;
                } catch (IOException e) {
                    // The file appears just before qemu listens on it: try again.
                    c.close();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("qemu did not open console socket " + socket + " within " + BOOT_SECONDS_MAX
                        + " s: " + qemu.log().strip());
            }
            Thread.sleep(20);
        }
    }

    private boolean qemuAlive() {
        return qemu != null && qemu.alive();
    }

    /** From qemu's start to /init's ready line, measured on the host. */
    public Duration bootTime() {
        return bootTime;
    }

    /** The guest kernel's own uptime when /init was ready (seconds, as text from /proc/uptime). */
    public String guestUptimeAtReady() {
        return guestUptimeAtReady;
    }

    public Netns ns() {
        return ns;
    }

    /** The tap device in {@link #ns} that is the guest's link. */
    public String tap() {
        return tap;
    }

    public Path consoleLog() {
        return consoleLog;
    }

    /** Runs {@code shellCommand} in the guest; a non-zero exit is an IOException with its output. */
    public String exec(String shellCommand) throws IOException {
        Result r = tryExec(shellCommand, EXEC_LIMIT);
        if (!r.ok()) {
            throw new IOException("guest `" + shellCommand + "` exited " + r.exit() + ": " + r.out().strip());
        }
        return r.out();
    }

    /**
     * Runs {@code shellCommand} (one line of busybox sh) in the guest and waits at most {@code limit}
     * for its end marker. A command that overruns leaves the guest's console busy, so the VM is then
     * marked broken and refuses further commands. Interrupted, it returns at once (the same way: the
     * VM is then broken) and keeps the thread's interrupt flag, as {@link Command} does.
     */
    public synchronized Result tryExec(String shellCommand, Duration limit) throws IOException {
        if (shellCommand.indexOf('\n') >= 0 || shellCommand.indexOf('\r') >= 0
                || shellCommand.length() > COMMAND_CHARS_MAX) {
            throw new IllegalArgumentException("a guest command is one line of at most " + COMMAND_CHARS_MAX
                    + " characters: " + shellCommand);
        }
        if (broken || console == null) {
            throw new IOException("the guest console is not usable (an earlier command overran, or boot failed); see "
                    + consoleLog);
        }
        String id = nonce + "-" + commands.incrementAndGet();
        Pattern done = Pattern.compile("@@begin " + id + "\\r?\\n(.*?)@@end " + id + " (\\d+)\\r?\\n", Pattern.DOTALL);
        console.log("host> " + id + " " + shellCommand);
        console.send(id + " " + shellCommand + "\n");
        try {
            Matcher m = console.await(done, "the end marker " + id + " within " + limit.toMillis() + " ms",
                    System.nanoTime() + limit.toNanos(), this::qemuAlive);
            return new Result(shellCommand, Integer.parseInt(m.group(2)), m.group(1).replace("\r", ""));
        } catch (IOException e) {
            broken = true;
            throw new IOException("guest `" + shellCommand + "`: " + e.getMessage() + "; console log " + consoleLog, e);
        } catch (InterruptedException e) {
            broken = true;
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the guest ran `" + shellCommand + "`", e);
        }
    }

    /**
     * Powers the guest off (waiting at most {@value #POWEROFF_SECONDS_MAX} s for qemu to exit), then
     * stops qemu by PID whatever happened, deletes the tap and the temporary directory (initramfs,
     * console socket). The console log stays for debugging.
     */
    @Override
    public void close() {
        try {
            if (qemuAlive() && console != null && !broken) {
                try {
                    // No reply to wait for: the guest is gone before it could print the end marker.
                    console.log("host> poweroff -f");
                    console.send(nonce + "-poweroff poweroff -f\n");
                    qemu.awaitExit(POWEROFF_SECONDS_MAX, TimeUnit.SECONDS);
                } catch (IOException e) {
                    // The console is already gone; stopping by PID below is all that is left.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            if (qemu != null) {
                qemu.stop();
            }
            if (console != null) {
                console.close();
            }
            try {
                ns.tryRun("ip", "link", "del", tap);
            } catch (IOException e) {
                System.err.println("could not delete tap " + tap + " in " + ns + ": " + e.getMessage());
            }
            deleteTree(tempDir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "kernel VM on " + tap + " in " + ns + (qemu == null ? "" : " (qemu pid " + qemu.pid() + ")");
    }

    /**
     * The serial console: a reader thread appends what the guest prints to a pending buffer (for
     * {@link #await}) and, line by line, to the log with the host's seconds since qemu started.
     */
    private static final class Console {
        private final SocketChannel channel;
        private final BufferedWriter log;
        private final long startNanos;
        private final StringBuilder pending = new StringBuilder();
        private final Thread reader;
        private boolean closed;

        Console(SocketChannel channel, Path logFile, long startNanos) throws IOException {
            this.channel = channel;
            this.log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
            this.startNanos = startNanos;
            this.reader = Thread.ofPlatform().daemon().name("console " + logFile.getFileName()).start(this::read);
        }

        private void read() {
            StringBuilder line = new StringBuilder();
            char[] buf = new char[4096];
            try (Reader in = new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (this) {
                        pending.append(buf, 0, n);
                        if (pending.length() > PENDING_CHARS_MAX) {
                            pending.delete(0, pending.length() - PENDING_CHARS_MAX);
                        }
                        notifyAll();
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            log(line.toString());
                            line.setLength(0);
                        } else if (buf[i] != '\r') {
                            line.append(buf[i]);
                        }
                    }
                }
            } catch (IOException e) {
                // Closed by close(), or qemu went away: either way the console has ended.
            } finally {
                if (!line.isEmpty()) {
                    log(line.toString());
                }
                synchronized (this) {
                    closed = true;
                    notifyAll();
                }
            }
        }

        synchronized void log(String text) {
            try {
                log.write(String.format("[%9.3f] %s%n", (System.nanoTime() - startNanos) / 1e9, text));
                log.flush();
            } catch (IOException e) {
                // Losing a debug log line must not fail the test; the console itself still works.
            }
        }

        void send(String text) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            synchronized (channel) {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
        }

        /**
         * Waits until {@code pattern} matches the pending text, then drops the text up to the match's
         * end; an IOException if {@code deadline} (System.nanoTime) passes, the console closes, or
         * {@code alive} turns false first.
         */
        synchronized Matcher await(Pattern pattern, String what, long deadline, java.util.function.BooleanSupplier alive)
                throws IOException, InterruptedException {
            while (true) {
                Matcher m = pattern.matcher(pending);
                if (m.find()) {
                    Matcher result = pattern.matcher(pending.substring(0, m.end()));
                    result.find(m.start());
                    pending.delete(0, m.end());
                    return result;
                }
                if (closed || !alive.getAsBoolean()) {
                    throw new IOException("console closed (qemu exited) before " + what + "; last output: " + tail());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no " + what + "; last output: " + tail());
                }
                // Woken by every chunk read; the cap re-checks qemu being alive without a chunk.
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }

        synchronized String tail() {
            return pending.substring(Math.max(0, pending.length() - 600)).replace("\r", "");
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to do with a console that will not close.
            }
            try {
                reader.join(TimeUnit.SECONDS.toMillis(READER_JOIN_SECONDS_MAX));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                try {
                    log.close();
                } catch (IOException e) {
                    // As in log(): a debug log problem is not a test failure.
                }
            }
        }
    }
}
