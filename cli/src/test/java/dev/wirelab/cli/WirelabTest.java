package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WirelabTest {

    @Test
    void helpNamesEveryCommandWithAnExample() {
        Run run = Run.wirelab("--help");

        assertEquals(0, run.exitCode(), run.err());
        for (String command : new String[] {"serve", "handshake", "genkey", "pubkey", "run", "suite", "version", "help"}) {
            assertTrue(run.out().contains("\n  " + command + " "), () -> "help does not list " + command + ":\n" + run.out());
        }
        assertTrue(run.out().contains("wirelab genkey | tee private.key | wirelab pubkey > public.key"), run.out());
    }

    @Test
    void noArgumentsStartsTheVisualizerPrintsItsAddressAndServesThePage() {
        String[] page = new String[1];
        Run run = Run.serving((server, url) -> page[0] = fetch(url + "api/pair?seed=1"));

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith(Wirelab.NO_COMMAND_NOTE), run.out());
        Matcher url = Pattern.compile("wirelab visualizer: (http://127\\.0\\.0\\.1:\\d+/)").matcher(run.out());
        assertTrue(url.find(), run.out());
        assertTrue(page[0].contains("\"initiator\"") && page[0].contains("\"publicKey\""), page[0]);
    }

    @Test
    void servingBeyondThisMachineWarnsThatThePageRunsWhatItIsSent() {
        Run local = Run.serving((server, url) -> { }, "serve");
        assertEquals("", local.err(), "no warning on loopback");
        Run open = Run.serving((server, url) -> { }, "serve", "--host", "0.0.0.0", "--runs-max", "1", "--run-seconds-max", "5");
        assertEquals(0, open.exitCode(), open.err());
        assertTrue(open.err().startsWith("wirelab serve: listening on 0.0.0.0, not only on this machine. The page has no"
                + " authentication and runs whatever scenario it is sent: anyone who reaches it can use 1 runs at a time, 5 s each"),
                open.err());
    }

    @Test
    void serveShipsThePageAndRefusesAPortInUse() throws Exception {
        String[] index = new String[1];
        Run run = Run.serving((server, url) -> {
            index[0] = fetch(url);
            // A second server on the same port: the user gets one line saying so, not a stack trace.
            Run clash = Run.wirelab("serve", "--port", Integer.toString(server.port()));
            assertEquals(1, clash.exitCode(), clash.out());
            assertTrue(clash.err().startsWith("wirelab serve: cannot listen on 127.0.0.1 port " + server.port()), clash.err());
        }, "serve");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(index[0].contains("WireGuard, <em>visually</em>"), index[0]);
    }

    private static String fetch(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("GET " + url + " failed", e);
        }
    }

    @Test
    void versionNamesTheBuildAndTheJava() {
        Run run = Run.wirelab("version");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().matches("wirelab \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java \\d+[^)]*\\)\\R"), run.out());
        assertEquals(run.out(), Run.wirelab("--version").out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run run = Run.wirelab("handshak");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Unmatched argument at index 0: 'handshak'"), run.err());
    }
}
