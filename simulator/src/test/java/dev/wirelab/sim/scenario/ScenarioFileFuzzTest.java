package dev.wirelab.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Scenario files of any content (Jazzer; without JAZZER_FUZZ the committed inputs in
 * ScenarioFileFuzzTestInputs/ run as plain tests, among them the built-in suite's own files): a
 * file is a scenario or a {@link ScenarioError} that names file, line and column, never another
 * exception, since `wirelab run` and the visualizer show that message to whoever wrote the file.
 */
class ScenarioFileFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void onlyScenarioErrorEscapes(byte[] file) {
        String text = new String(file, StandardCharsets.UTF_8);
        try {
            ScenarioFile.parse("fuzz.yaml", text);
        } catch (ScenarioError e) {
            assertTrue(e.getMessage().startsWith("fuzz.yaml:"), e.getMessage());
        }
    }
}
