package dev.wirelab.viz;

import dev.wirelab.sim.capture.SimCapture;
import dev.wirelab.sim.scenario.ScenarioFile;
import dev.wirelab.sim.scenario.ScenarioRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pcap and its key log made by the simulator (capture-fixture.yaml: a preshared key, loss,
 * duplicates, handshakes from both sides), written to target/capture-fixtures for the tests and for
 * a person to open in Wireshark or in the page.
 */
record CaptureFixture(Path pcap, Path keylog, int port) {
    static final Path DIR = Path.of("target", "capture-fixtures");

    static CaptureFixture make() throws IOException {
        String yaml;
        try (InputStream in = CaptureFixture.class.getResourceAsStream("capture-fixture.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        SimCapture[] capture = new SimCapture[1];
        ScenarioRun.run(ScenarioFile.parse("capture-fixture.yaml", yaml), 3, null, sim -> capture[0] = SimCapture.attach(sim));
        Files.createDirectories(DIR);
        CaptureFixture f = new CaptureFixture(DIR.resolve("capture-fixture.pcap"), DIR.resolve("capture-fixture.keys"), 51820);
        capture[0].writePcap(f.pcap());
        capture[0].writeKeylog(f.keylog());
        return f;
    }

    byte[] pcapBytes() throws IOException {
        return Files.readAllBytes(pcap);
    }

    String keylogText() throws IOException {
        return Files.readString(keylog);
    }
}
