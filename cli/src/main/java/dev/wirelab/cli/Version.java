package dev.wirelab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code wirelab version} and {@code wirelab --version}: the build's version and the Java running it. */
@Command(name = "version", header = "Print wirelab's version and the Java it runs on.",
        description = "Print wirelab's version and the Java version it runs on.",
        footer = {"%nExample:%n  wirelab version"})
final class Version implements Runnable, IVersionProvider {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println(line());
    }

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    static String line() {
        return "wirelab " + projectVersion() + " (Java " + Runtime.version() + ")";
    }

    /** The Maven project version, filtered into version.properties at build time. */
    private static String projectVersion() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the wirelab jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
