package dev.wirelab.mutants;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * The Java agent that makes a wirelab device a mutant: {@code java -javaagent:AGENT.jar=NAME …
 * dev.wirelab.datapath.DeviceMain IFNAME}. It edits the engine's classes as they load, then, once the
 * device has started (its first edit applied), says on standard error what it changed. An edit that
 * matches nothing stops the JVM: a mutant that is not mutated would pass for a killed check's control.
 */
public final class MutantAgent {
    /** The exit status when a mutant cannot be made. */
    public static final int STALE = 70;

    private MutantAgent() {
    }

    /**
     * Writes the agent's jar into {@code dir}: a manifest naming this class, nothing more, since the
     * JVM finds the class itself on the device's class path (the test's, which holds this module).
     * The JVM option that makes a device mutant {@code name}: {@code -javaagent:JAR=name}.
     */
    public static String option(Path dir, String name) throws IOException {
        Path jar = dir.resolve("wirelab-mutant-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), MutantAgent.class.getName());
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, "agent", ".jar");
        try (OutputStream out = Files.newOutputStream(partial); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        Files.move(partial, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return "-javaagent:" + jar + "=" + name;
    }

    public static void premain(String name, Instrumentation instrumentation) {
        Mutant mutant = Mutants.named(name == null ? "" : name).orElseGet(() -> {
            System.err.println("wirelab mutant: no mutant named '" + name + "'; known: "
                    + Mutants.all().stream().map(Mutant::name).collect(Collectors.joining(", ")));
            Runtime.getRuntime().halt(STALE);
            return null;
        });
        System.err.println("wirelab mutant: " + mutant.name() + ": " + mutant.fault());
        Map<Edit, Integer> changes = new ConcurrentHashMap<>();
        // Asked of every class the JVM loads: computed once.
        Set<String> edited = mutant.classes();
        instrumentation.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                    byte[] bytes) {
                if (className == null || !edited.contains(className)) {
                    return null;
                }
                try {
                    byte[] after = mutant.apply(className, bytes, loader, changes);
                    for (Edit e : mutant.edits()) {
                        if (e.owner().equals(className)) {
                            int n = changes.getOrDefault(e, 0);
                            if (n == 0) {
                                System.err.println("wirelab mutant: " + mutant.name() + " is stale: " + e.describe()
                                        + " matched nothing in " + className);
                                Runtime.getRuntime().halt(STALE);
                            }
                            System.err.println("wirelab mutant: " + e.describe() + " (" + n + " place(s))");
                        }
                    }
                    return after;
                } catch (RuntimeException | Error e) {
                    // A transformer's exception is swallowed by the JVM, which would load the class unedited.
                    System.err.println("wirelab mutant: " + mutant.name() + " cannot edit " + className + ": " + e);
                    Runtime.getRuntime().halt(STALE);
                    return null;
                }
            }
        });
    }
}
