package dev.wirelab.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.wirelab.engine.purityfixture.Impure;
import dev.wirelab.engine.purityfixture.Pure;
import dev.wirelab.engine.transport.ReplayWindow;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine contract (shared/ARCHITECTURE.md): no clocks, no global randomness, no threads or
 * executors, no sockets or files, no logging in engine main code. Time arrives as {@code Now},
 * randomness from an injected {@code Entropy}; otherwise the simulator could not replay a seed
 * byte for byte.
 *
 * <p>Checked on bytecode, so a fully qualified call or a static import cannot slip past it the way
 * it can slip past a grep.
 */
class EnginePurityTest {

    /** Methods that read a clock or a global random source, by owner and name. */
    private static final DescribedPredicate<JavaAccess<?>> READS_CLOCK_OR_GLOBAL_RANDOM = DescribedPredicate.describe(
            "read a system clock or global randomness (System.currentTimeMillis/nanoTime,"
                    + " java.time *.now, Math.random, UUID.randomUUID)",
            access -> {
                String owner = access.getTargetOwner().getName();
                String name = access.getTarget().getName();
                return switch (owner) {
                    case "java.lang.System" -> name.equals("currentTimeMillis") || name.equals("nanoTime");
                    case "java.lang.Math", "java.lang.StrictMath" -> name.equals("random");
                    case "java.util.UUID" -> name.equals("randomUUID");
                    // Instant, LocalDate(Time), ZonedDateTime, OffsetDateTime, Year, ... and java.time.chrono
                    default -> owner.startsWith("java.time.") && name.equals("now");
                };
            });

    /** Types the engine has no business holding: they are clocks, entropy, threads or I/O. */
    private static final Set<String> FORBIDDEN_TYPES = Set.of(
            "java.time.Clock", "java.time.InstantSource",
            "java.util.Random", "java.security.SecureRandom", "java.util.SplittableRandom",
            "java.util.concurrent.ThreadLocalRandom",
            "java.lang.Thread", "java.lang.ThreadGroup", "java.util.Timer",
            "java.util.concurrent.ForkJoinPool", "java.util.concurrent.CompletableFuture",
            "java.io.RandomAccessFile", "java.lang.System$Logger");

    private static final List<String> FORBIDDEN_PACKAGES = List.of(
            "java.util.random.", "java.net.", "java.nio.channels.", "java.nio.file.", "java.util.logging.");

    private static final DescribedPredicate<JavaClass> CLOCK_RANDOM_THREAD_OR_IO = DescribedPredicate.describe(
            "are clocks, random generators, threads, executors, sockets, channels, files or loggers",
            type -> {
                String name = type.getName();
                String outer = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
                return FORBIDDEN_TYPES.contains(name)
                        || FORBIDDEN_TYPES.contains(outer) // Thread$Builder, Thread$State, ...
                        || FORBIDDEN_PACKAGES.stream().anyMatch(name::startsWith)
                        || (type.getPackageName().equals("java.util.concurrent") && type.getSimpleName().contains("Executor"))
                        || (type.getPackageName().equals("java.io") && type.getSimpleName().startsWith("File"));
            });

    private static final DescribedPredicate<JavaAccess<?>> WRITES_TO_CONSOLE = DescribedPredicate.describe(
            "print to System.out or System.err",
            access -> access.getTargetOwner().getName().equals("java.lang.System")
                    && (access.getTarget().getName().equals("out") || access.getTarget().getName().equals("err")));

    static final ArchRule ENGINE_IS_PURE = noClasses()
            .that().resideInAPackage("dev.wirelab.engine..")
            .should().accessTargetWhere(READS_CLOCK_OR_GLOBAL_RANDOM)
            .orShould().dependOnClassesThat(CLOCK_RANDOM_THREAD_OR_IO)
            .orShould().accessTargetWhere(WRITES_TO_CONSOLE)
            .because("the engine is sans-I/O: time comes in as Now, randomness from Entropy,"
                    + " and effects go out as values (shared/ARCHITECTURE.md)");

    @Test
    void engineMainCodeReadsNoClockRandomnessThreadOrIo() throws Exception {
        JavaClasses engine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.wirelab.engine");

        // ArchUnit skips, with only a log line, class files its bundled ASM cannot parse (a newer
        // class-file version): the rule would then pass on nothing. Require every compiled class.
        assertEquals(compiledClassCount(), engine.size(),
                "ArchUnit imported fewer engine classes than were compiled; can it read this class-file version?");

        ENGINE_IS_PURE.check(engine);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "java.lang.System.nanoTime()",
        "java.time.Instant.now()",
        "java.util.Random.<init>()",
        "java.lang.Thread",
        "java.util.concurrent.Executors.newSingleThreadExecutor()",
        "java.net.InetAddress",
        "java.io.File.<init>(java.lang.String)",
        "java.lang.System.out",
    })
    void ruleReportsEachKindOfImpurity(String forbiddenTarget) {
        EvaluationResult result = ENGINE_IS_PURE.evaluate(new ClassFileImporter().importClasses(Impure.class));

        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains(forbiddenTarget),
                () -> "expected a violation naming " + forbiddenTarget + ", report was:\n" + report);
    }

    @Test
    void ruleAcceptsCodeThatTakesTimeAsAnArgument() {
        EvaluationResult result = ENGINE_IS_PURE.evaluate(new ClassFileImporter().importClasses(Pure.class));

        assertFalse(result.hasViolation(), () -> result.getFailureReport().toString());
    }

    /** Counts the .class files under the directory ReplayWindow was compiled into (target/classes). */
    private static long compiledClassCount() throws URISyntaxException, IOException {
        Path classesRoot = Path.of(ReplayWindow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(classesRoot.resolve("dev/wirelab/engine"))) {
            return files.filter(f -> f.toString().endsWith(".class")).count();
        }
    }
}
