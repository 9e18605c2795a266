package dev.wirelab.interop;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A network namespace made for one test: created with a unique name, and on {@link #close} every
 * process started in it is stopped by PID and the namespace is deleted (which deletes the veth ends
 * and TUN devices inside it).
 */
public final class Netns implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setns"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final String name;
    private final List<Proc> processes = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** A new namespace named {@code prefix} plus random hex, with its loopback up. */
    public static Netns create(String prefix) throws IOException {
        Netns ns = new Netns(Names.unique(prefix, 24));
        Command.run("ip", "netns", "add", ns.name);
        try {
            ns.run("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** The command line that runs {@code command} inside this namespace. */
    public List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** Runs {@code command} here and returns its standard output; a non-zero exit is an IOException with stderr. */
    public String run(String... command) throws IOException {
        return Command.run(inside(List.of(command)).toArray(String[]::new));
    }

    /** Runs {@code command} here; returns its result whatever the exit status. */
    public Command.Result tryRun(String... command) throws IOException {
        return Command.tryRun(inside(List.of(command)).toArray(String[]::new));
    }

    /**
     * Starts a long-running process here, its output going to {@code log}. It is stopped (by PID) on
     * {@link #close} if the test did not stop it first.
     */
    public Proc start(List<String> command, Path log) throws IOException {
        Proc p = Proc.start(inside(command), log);
        processes.add(p);
        return p;
    }

    /**
     * Runs {@code body} on a new thread that has entered this namespace (setns is per thread), so
     * the test JVM can open sockets here; the thread ends with the body.
     */
    public <T> T call(Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("in " + name).start(() -> {
            try {
                enter();
                result.set(body.call());
            } catch (Exception e) {
                failure.set(e);
            } catch (Throwable e) {
                failure.set(new IllegalStateException(e));
            }
        });
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private void enter() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom("/var/run/netns/" + name), 0);
            if (fd < 0) {
                throw new IOException("cannot open /var/run/netns/" + name);
            }
            try {
                if ((int) SETNS.invokeExact(fd, CLONE_NEWNET) != 0) {
                    throw new IOException("setns into " + name + " failed (root is needed)");
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        }
    }

    /** Stops this namespace's processes by PID, then deletes it. */
    @Override
    public void close() {
        for (Proc p : processes.reversed()) {
            p.stop();
        }
        try {
            Command.tryRun("ip", "netns", "del", name);
        } catch (IOException e) {
            System.err.println("could not delete network namespace " + name + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
