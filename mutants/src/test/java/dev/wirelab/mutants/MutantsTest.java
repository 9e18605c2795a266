package dev.wirelab.mutants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every mutant still applies to today's engine: each edit changes at least one place, and each
 * edited class passes the JVM's verifier. A reshaped engine makes a mutant stale; this says which.
 */
class MutantsTest {
    @TestFactory
    Stream<DynamicTest> everyEditAppliesAndTheEditedClassesVerify() {
        return Mutants.all().stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> {
            Map<Edit, Integer> changes = new HashMap<>();
            Map<String, byte[]> edited = new HashMap<>();
            for (String owner : m.classes()) {
                byte[] original = bytes(owner);
                byte[] after = m.apply(owner, original, getClass().getClassLoader(), changes);
                assertFalse(java.util.Arrays.equals(original, after), owner + ": the edited class is the original");
                edited.put(owner.replace('/', '.'), after);
            }
            for (Edit e : m.edits()) {
                assertTrue(changes.getOrDefault(e, 0) > 0, m.name() + " is stale: " + e.describe() + " matched nothing");
            }
            // Load the edited classes beside the rest of the engine and link them: the verifier runs.
            ClassLoader loader = new EditedLoader(edited, getClass().getClassLoader());
            for (String name : edited.keySet()) {
                Class<?> c = Class.forName(name, true, loader); // linked, so verified, and initialized
                assertEquals(loader, c.getClassLoader(), name + " came from the edited bytes");
            }
        }));
    }

    @Test
    void namesAreUniqueAndEveryMutantHasAFaultAndAnEdit() {
        Set<String> names = new HashSet<>();
        for (Mutant m : Mutants.all()) {
            assertTrue(names.add(m.name()), "twice: " + m.name());
            assertTrue(m.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), m.name());
            assertTrue(!m.fault().isBlank() && !m.edits().isEmpty(), m.name());
        }
        assertTrue(names.size() >= 25, "the issue asks for at least 25 mutants: " + names.size());
    }

    private static byte[] bytes(String internalName) throws IOException {
        try (InputStream in = MutantsTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException("no class " + internalName + " on the test class path");
            }
            return in.readAllBytes();
        }
    }

    /** Defines the edited classes itself and, for their package mates, reads the original bytes. */
    private static final class EditedLoader extends ClassLoader {
        private final Map<String, byte[]> edited;

        EditedLoader(Map<String, byte[]> edited, ClassLoader parent) {
            super(parent);
            this.edited = edited;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && (name.startsWith("dev.wirelab.engine.") || name.startsWith("dev.wirelab.datapath."))) {
                    // The whole engine and datapath in this loader, so edited classes reach their package-private mates.
                    byte[] b = edited.get(name);
                    if (b == null) {
                        try {
                            b = bytes(name.replace('.', '/'));
                        } catch (IOException e) {
                            throw new ClassNotFoundException(name, e);
                        }
                    }
                    c = defineClass(name, b, 0, b.length);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }
}
