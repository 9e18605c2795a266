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
        name = "conformance", header = "Check any WireGuard implementation from the outside.",
        description = {
            "Check WireGuard implementations from the outside: each target is started fresh for each check, "
                    + "configured only with `wg` and `ip`, and probed over real UDP by a harness built on wirelab's "
                    + "engine (handshakes both ways, silence toward bad input, replay, cookies and rate limits under "
                    + "load, roaming, routing, timers).",
            "Targets: wirelab (this build's device; wirelab:boringtun runs it on another engine profile), "
                    + "wireguard-go (Debian 12's 0.0.20220316), wireguard-go-2023 (Debian trixie's 0.0.20231211, which "
                    + ".ci/run fetches), kernel (a qemu VM booted here; kernel:/boot/vmlinuz-VERSION picks the image), "
                    + "and any userspace implementation: exec:'COMMAND ARGS… {ifname}' starts it in the target's "
                    + "namespace; it must stay in the foreground, create the TUN {ifname} and serve "
                    + "/var/run/wireguard/{ifname}.sock. `all` is wirelab, wireguard-go, wireguard-go-2023 and kernel.",
            "Each cell keeps the target's log, capture.pcap and keys.log under --logs. Needs root "
                    + "(namespaces, TUN); the kernel target needs qemu-system-x86 and busybox-static.",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every cell passed or differs as documented", "1:a check failed or could not run", "2:bad usage"},
        footer = {
            "%nExamples:",
            "  wirelab conformance --target wirelab --quick           the wirelab column without the slow checks",
            "  wirelab conformance --target all --junit conf.xml --markdown conf.md",
            "  wirelab conformance --target kernel --only replay-window-edges,older-tai64n-ignored",
            "  wirelab conformance --target 'exec:/usr/local/bin/boringtun-cli -f {ifname}' --quick --junit conf.xml",
            "  wirelab conformance --list                             the checks and what each does",
        })
final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "wirelab", split = ",(?=[a-z-]+(:|,|$))",
            description = "wirelab, wirelab:PROFILE, wireguard-go, wireguard-go-2023, kernel, kernel:/boot/vmlinuz-VERSION,"
                    + " 'exec:COMMAND ARGS… {ifname}' or all; several with commas (default: ${DEFAULT-VALUE})")
    private List<String> target;

    @Option(names = "--differences-of", paramLabel = "NAME", description = "judge DIFFERS cells by the differences"
            + " conformance/DIFFERENCES.md declares for NAME instead of the target's own name: for an exec: target built"
            + " from a known implementation (--differences-of wireguard-go); undeclared differences are FAIL")
    private String differencesOf;

    @Option(names = "--only", paramLabel = "CHECK[,CHECK…]", split = ",", description = "run only these checks")
    private List<String> only;

    @Option(names = "--quick", description = "leave out the slow checks (minutes each: rekey after 120 s, give-up after"
            + " 90 s, keypair rejected after 180 s)")
    private boolean quick;

    @Option(names = "--junit", paramLabel = "OUT.xml", description = "write the matrix as JUnit XML")
    private Path junit;

    @Option(names = "--markdown", paramLabel = "OUT.md", description = "write the matrix as Markdown")
    private Path markdown;

    @Option(names = "--logs", paramLabel = "DIR", defaultValue = "/tmp/wirelab-conformance",
            description = "where each cell's target logs, capture.pcap and keys.log go, in DIR/TARGET/CHECK/ (default: ${DEFAULT-VALUE})")
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
        List<Target> chosen = new ArrayList<>();
        for (String spec : target) {
            for (String one : spec.equals("all") ? Conformance.ALL : List.of(spec)) {
                try {
                    Target t = Conformance.target(one);
                    chosen.add(differencesOf == null ? t : Target.withDifferencesOf(t, differencesOf));
                } catch (IllegalArgumentException e) {
                    err.println("wirelab conformance: " + e.getMessage());
                    return 2;
                }
            }
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
        out.println("target logs, captures and key logs: " + logs + "/TARGET/CHECK/");
        if (junit != null) {
            Conformance.writeJunit(results, junit);
            out.println("JUnit XML: " + junit);
        }
        if (markdown != null) {
            Path parent = markdown.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(markdown, Conformance.markdown(results, checks, parent));
            out.println("Markdown: " + markdown);
        }
        boolean ok = results.stream().allMatch(r -> r.status() == CheckResult.Status.PASS
                || r.status() == CheckResult.Status.DIFFERS);
        return ok ? 0 : 1;
    }
}
