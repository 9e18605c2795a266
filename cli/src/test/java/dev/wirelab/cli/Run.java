package dev.wirelab.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** One in-process run of {@code wirelab}: what a user would see on stdout, stderr and as exit code. */
record Run(int exitCode, String out, String err) {
    static Run withStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Wirelab.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    static Run wirelab(String... args) {
        return withStdin("", args);
    }

    /**
     * A run in which {@code serve} (also as the no-command default) listens on a free port instead
     * of 7070, which another program on the machine may hold, and serves only while {@code whileServing} runs.
     */
    static Run serving(Serve.WhileServing whileServing, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Wirelab.commandLine(new ByteArrayInputStream(new byte[0]), whileServing);
        cli.setDefaultValueProvider(option -> option instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--port")
                ? "0" : option.defaultValue());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
