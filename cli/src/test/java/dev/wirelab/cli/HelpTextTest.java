package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Every `--help` reads cleanly in an 80-column terminal: no line longer than 80, no sentence broken
 * early by a hard line break that picocli then wraps again (a short line, then the same sentence
 * going on in lower case), and examples in each. Descriptions hold whole paragraphs; picocli wraps.
 */
class HelpTextTest {
    private static final int WIDTH = 80;
    /** A line this much shorter than the width did not end where picocli wrapped it. */
    private static final int EARLY = 20;

    @TestFactory
    Stream<DynamicTest> everyCommandsHelpWrapsCleanlyAndHasExamples() {
        List<CommandLine> commands = new ArrayList<>();
        collect(Wirelab.commandLine(System.in), commands);
        assertTrue(commands.size() >= 12, "the command tree: " + commands.size());
        return commands.stream().filter(c -> !c.getCommandName().equals("help")).map(c -> DynamicTest.dynamicTest(
                c.getCommandSpec().qualifiedName(), () -> {
                    String help = help(c);
                    assertEquals(List.of(), brokenLines(help), "in `" + c.getCommandSpec().qualifiedName() + " --help`:\n" + help);
                    assertTrue(help.contains("Example"), "`" + c.getCommandSpec().qualifiedName() + " --help` has no examples:\n" + help);
                }));
    }

    @Test
    void theCheckFindsASentenceBrokenByAHardLineBreak() {
        String broken = "It walks through a real handshake, offers WireGuard key tools, runs simulator\n"
                + "scenarios and\nruns a real userspace WireGuard interface.\n";
        assertEquals(List.of("line 2 ends mid-sentence: scenarios and"), brokenLines(broken));
        assertEquals(List.of("line 1 has 81 columns: " + "x".repeat(81)), brokenLines("x".repeat(81) + "\n"));
        assertEquals(List.of(), brokenLines("Usage: wirelab run [-h] FILE\n\nRun a scenario.\n  --seed=N   the seed\n"
                + "Examples:\n  wirelab serve\n  wirelab serve --port 8080\n"));
    }

    @Test
    void theCommandListShowsEveryCommandOnTheFirstScreen() {
        String help = help(Wirelab.commandLine(System.in));
        List<String> lines = help.lines().toList();
        int list = lines.indexOf("Commands:");
        assertTrue(list >= 0 && list < 24 - 12, "the command list starts on line " + (list + 1) + " of `wirelab --help`:\n" + help);
        for (String command : Wirelab.commandLine(System.in).getSubcommands().keySet()) {
            assertTrue(lines.subList(list, Math.min(lines.size(), list + 20)).stream().anyMatch(l -> l.startsWith("  " + command + " ")),
                    command + " is not in the command list:\n" + help);
        }
    }

    static String help(CommandLine c) {
        c.getCommandSpec().usageMessage().width(WIDTH);
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** Lines too long, and lines that end early in mid-sentence while the next goes on. */
    static List<String> brokenLines(String text) {
        List<String> found = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() > WIDTH) {
                found.add("line " + (i + 1) + " has " + line.length() + " columns: " + line);
            }
            String next = i + 1 < lines.size() ? lines.get(i + 1) : "";
            String stripped = line.strip();
            // Descriptions and notes start in column 0; indented lines are options (picocli wraps them) and
            // examples (command lines, no sentences).
            boolean prose = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !stripped.matches(".*[.:;!?)]$")
                    && stripped.contains(" ");
            boolean continues = !next.isBlank() && !Character.isWhitespace(next.charAt(0)) && Character.isLowerCase(next.charAt(0));
            if (prose && continues && line.length() < WIDTH - EARLY) {
                found.add("line " + (i + 1) + " ends mid-sentence: " + stripped);
            }
        }
        return found;
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().values().forEach(s -> collect(s, into));
    }
}
