package dev.wirelab.cli;

import dev.wirelab.conformance.Check;
import dev.wirelab.conformance.CheckResult;
import dev.wirelab.conformance.Checks;
import dev.wirelab.conformance.Conformance;
import dev.wirelab.conformance.Target;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab conformance}: black-box checks of WireGuard implementations over real UDP, with
 * wirelab's engine as the peer and the adversary; prints the check x target matrix.
 */
@Command(
        name = "conformance",
        description = {
            "Check WireGuard implementations from the outside: each target is started fresh for each check,",
            "configured only with `wg` and `ip`, and probed over real UDP by a harness built on wirelab's engine",
            "(handshakes both ways, silence toward bad input, replay, cookies under load, roaming, timers).",
            "Targets: wirelab (this build's device), wireguard-go (Debian's), kernel (a qemu VM booted here).",
            "Needs root (namespaces, TUN); the kernel target needs qemu-system-x86 and busybox-static.",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every cell passed or differs as documented", "1:a check failed or could not run", "2:bad usage"},
        footer = {
            "%nExamples:",
            "  wirelab conformance --target wirelab --quick           the wirelab column without the 2-minute rekey check",
            "  wirelab conformance --target all --junit conf.xml --markdown conf.md",
            "  wirelab conformance --target kernel --only replay-window-edges,older-tai64n-ignored",
            "  wirelab conformance --list                             the checks and what each does",
        })
final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--target", paramLabel = "NAME", defaultValue = "wirelab",
            description = "wirelab, wireguard-go, kernel or all (default: ${DEFAULT-VALUE})")
    private String target;

    @Option(names = "--only", paramLabel = "CHECK[,CHECK…]", split = ",", description = "run only these checks")
    private List<String> only;

    @Option(names = "--quick", description = "leave out the slow checks (rekey after 120 s)")
    private boolean quick;

    @Option(names = "--junit", paramLabel = "OUT.xml", description = "write the matrix as JUnit XML")
    private Path junit;

    @Option(names = "--markdown", paramLabel = "OUT.md", description = "write the matrix as Markdown")
    private Path markdown;

    @Option(names = "--logs", paramLabel = "DIR", defaultValue = "/tmp/wirelab-conformance",
            description = "where target logs go (default: ${DEFAULT-VALUE})")
    private Path logs;

    @Option(names = "--list", description = "list the checks and exit")
    private boolean list;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Check> all = Checks.all();
        if (list) {
            for (Check c : all) {
                out.printf("%-30s %s%n", c.name(), c.description());
            }
            return 0;
        }
        List<Check> checks = new ArrayList<>();
        for (Check c : all) {
            if ((only == null || only.contains(c.name())) && !(quick && Checks.slow(c))) {
                checks.add(c);
            }
        }
        if (only != null) {
            List<String> unknown = only.stream().filter(n -> all.stream().noneMatch(c -> c.name().equals(n))).toList();
            if (!unknown.isEmpty()) {
                err.println("wirelab conformance: unknown check(s) " + unknown + "; `wirelab conformance --list` shows them");
                return 2;
            }
        }
        Map<String, Target> targets = Conformance.targets();
        List<Target> chosen = new ArrayList<>();
        if (target.equals("all")) {
            chosen.addAll(targets.values());
        } else if (targets.containsKey(target)) {
            chosen.add(targets.get(target));
        } else {
            err.println("wirelab conformance: unknown target '" + target + "': use " + String.join(", ", targets.keySet())
                    + " or all");
            return 2;
        }
        List<CheckResult> results = new ArrayList<>();
        for (Target t : chosen) {
            Thread cleanup = new Thread(t::close, "conformance cleanup " + t.name());
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                results.addAll(Conformance.run(t, checks, logs, line -> {
                    err.println(line);
                    err.flush();
                }));
            } finally {
                t.close();
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }
        out.println();
        out.print(Conformance.table(results));
        out.println("target logs: " + logs);
        if (junit != null) {
            Conformance.writeJunit(results, junit);
            out.println("JUnit XML: " + junit);
        }
        if (markdown != null) {
            Path parent = markdown.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(markdown, Conformance.markdown(results, checks));
            out.println("Markdown: " + markdown);
        }
        boolean ok = results.stream().allMatch(r -> r.status() == CheckResult.Status.PASS
                || r.status() == CheckResult.Status.DIFFERS);
        return ok ? 0 : 1;
    }
}
