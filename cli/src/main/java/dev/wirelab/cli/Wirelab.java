package dev.wirelab.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code wirelab} command. Each subcommand is a small class; this one only wires them up and
 * says what to do when none is given.
 *
 * <p>Exit codes: 0 success, 1 bad input (a message on stderr, no stack trace), 2 bad usage
 * (picocli's own message and the usage). {@code run} and {@code suite} differ, as test runners do:
 * 1 when an expectation failed, 2 for bad input or usage.
 */
@Command(
        name = "wirelab",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "A WireGuard lab: one deterministic protocol engine, run in a simulated network or on a real TUN "
                    + "device. With no command it starts the browser visualizer (`serve`).",
        },
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  wirelab                        the browser visualizer, http://127.0.0.1:7070/",
            "  wirelab handshake --psk        every step of a real handshake, C, H and bytes",
            "  wirelab genkey > private.key   a private key, as `wg genkey` makes one",
            "  wirelab pubkey < private.key   its public key, as `wg pubkey` prints it",
            "  wirelab genkey | tee private.key | wirelab pubkey > public.key",
            "  wirelab run simulator/scenarios/roaming-client.yaml",
            "                                 one scenario in the simulator, checked",
            "  wirelab suite simulator/scenarios --junit out.xml",
            "                                 every scenario, JUnit XML for CI",
            "  wirelab device wl0             a userspace interface; then `wg set wl0 …`",
            "  wirelab up ./wl0.conf          a wg-quick style file; `down` undoes it",
            "  wirelab conformance --target all",
            "                                 wirelab, wireguard-go and the kernel, checked",
            "  wirelab help conformance       more about one command",
        })
public final class Wirelab implements Callable<Integer> {
    /** Printed when no command is given, before the visualizer's address. */
    static final String NO_COMMAND_NOTE =
            "No command given: starting the browser visualizer (`wirelab serve`). `wirelab --help` lists the commands.";

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(System.in).execute(args));
    }

    /** The command tree, reading standard input from {@code stdin}; tests call it with their own streams. */
    static CommandLine commandLine(InputStream stdin) {
        return commandLine(stdin, Serve.UNTIL_STOPPED);
    }

    /** As above; {@code whileServing} decides how long {@code serve} serves (tests: one check, then stop). */
    static CommandLine commandLine(InputStream stdin, Serve.WhileServing whileServing) {
        return new CommandLine(new Wirelab())
                .addSubcommand(new Version())
                .addSubcommand(new Genkey(new SecureRandom()))
                .addSubcommand(new Pubkey(stdin))
                .addSubcommand(new Serve(whileServing))
                .addSubcommand(new HandshakeWalkthrough())
                .addSubcommand(new RunScenario())
                .addSubcommand(new Suite())
                .addSubcommand(new DeviceCommand())
                .addSubcommand(new UpDown.Up())
                .addSubcommand(new UpDown.Down())
                .addSubcommand(new ConformanceCommand())
                .addSubcommand(new CommandLine.HelpCommand());
    }

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        PrintWriter out = cli.getOut();
        out.println(NO_COMMAND_NOTE);
        out.println();
        out.flush();
        return cli.getSubcommands().get("serve").execute();
    }
}
