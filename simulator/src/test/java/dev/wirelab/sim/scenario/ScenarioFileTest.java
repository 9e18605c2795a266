package dev.wirelab.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Protocol;
import dev.wirelab.sim.Ratio;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Reading scenario files: what a good file becomes, and one test per kind of mistake. */
class ScenarioFileTest {
    /** A small valid scenario; tests replace parts of it. Line numbers below refer to this text. */
    static final String BASIC = """
            name: basic
            duration: 10s
            hosts:
              - name: alice
                endpoint: 192.0.2.1:51820
                address: 10.0.0.1
                peers:
                  - {PublicKey: bob, Endpoint: bob}
              - name: bob
                endpoint: 192.0.2.2:51820
                address: 10.0.0.2
                links:
                  up:
                    loss: 30%
                    delay: 5ms
                peers:
                  - {PublicKey: alice}
            traffic:
              - ping: {from: alice, to: bob, start: 1s, count: 3}
            expect:
              - pings_delivered_at_least: {from: alice, percent: 50}
            """;

    static ScenarioError error(String yaml) {
        return assertThrows(ScenarioError.class, () -> ScenarioFile.parse("basic.yaml", yaml));
    }

    @Test
    void aGoodFileBecomesAScenarioWithDefaults() {
        Scenario s = ScenarioFile.parse("basic.yaml", BASIC);
        assertEquals("basic", s.name());
        assertEquals(1, s.seed());
        assertEquals(10 * Protocol.SECOND_NANOS, s.durationNanos());
        assertEquals(new Ratio(30, 100), s.host("bob").up().loss());
        assertEquals(5_000_000, s.host("bob").up().delayNanos());
        assertEquals(0, s.host("bob").down().delayNanos(), "an unnamed direction is a perfect wire");
        assertEquals("internet", s.host("alice").network());
        assertEquals(1420, s.host("alice").mtu());
        assertEquals("bob", s.host("alice").peers().get(0).endpointHost());
        assertEquals(null, s.host("alice").peers().get(0).allowedIps(), "AllowedIPs default to the peer host's addresses");
    }

    @Test
    void theBriefsExampleMessage() {
        ScenarioError e = error(BASIC.replace("loss: 30%", "loss: 30 percent"));
        assertEquals("basic.yaml:14:15: hosts[1].links.up.loss: not a probability: '30 percent' (write 30%, 12.5%, 1/3 or 0.25)",
                e.getMessage());
        assertEquals(14, e.line());
        assertEquals(15, e.column());
        assertEquals("hosts[1].links.up.loss", e.path());
    }

    @Test
    void unknownKeysAreNamedWhereTheyAreWrittenWithASuggestion() {
        ScenarioError e = error(BASIC.replace("    links:\n", "    linkz:\n"));
        assertEquals("basic.yaml:12:5: hosts[1].linkz: unknown key (did you mean 'links'?); a host takes name, count, network, "
                + "endpoint, address, profile, clock, links, interface, peers", e.getMessage());
        ScenarioError top = error(BASIC + "colour: blue\n");
        assertEquals("basic.yaml:22:1: colour: unknown key; a scenario takes name, description, seed, duration, profile, networks, "
                + "hosts, nats, attackers, traffic, timeline, expect", top.getMessage());
    }

    @Test
    void badDurationsSayWhatToWrite() {
        ScenarioError e = error(BASIC.replace("duration: 10s", "duration: 10"));
        assertEquals("basic.yaml:2:11: duration: not a duration: '10' (" + Units.DURATION_HINT + ")", e.getMessage());
        assertTrue(error(BASIC.replace("delay: 5ms", "delay: 5 parsecs")).getMessage()
                .startsWith("basic.yaml:15:16: hosts[1].links.up.delay: not a duration: '5 parsecs'"));
        assertTrue(error(BASIC.replace("duration: 10s", "duration: 25h")).getMessage().contains("a duration from 1ns to 24h"));
    }

    @Test
    void missingRequiredKeys() {
        ScenarioError e = error(BASIC.replace("    endpoint: 192.0.2.2:51820\n", ""));
        assertEquals("basic.yaml:9:5: hosts[1].endpoint: missing (required)", e.getMessage());
        assertEquals("basic.yaml:1:1: duration: missing (required)", error(BASIC.replace("duration: 10s\n", "")).getMessage());
    }

    @Test
    void referencesToHostsThatDoNotExist() {
        ScenarioError e = error(BASIC.replace("{PublicKey: bob, Endpoint: bob}", "{PublicKey: bobb, Endpoint: bob}"));
        assertEquals("basic.yaml:8:21: hosts[0].peers[0].PublicKey: no host named 'bobb', and not a base64 public key "
                + "(did you mean 'bob'?); hosts: alice, bob", e.getMessage());
        assertEquals("basic.yaml:19:18: traffic[0].ping.from: no host named 'carol'; hosts: alice, bob",
                error(BASIC.replace("{from: alice, to: bob,", "{from: carol, to: bob,")).getMessage());
        assertEquals("basic.yaml:17:21: hosts[1].peers[0].PublicKey: a host cannot be its own peer",
                error(BASIC.replace("{PublicKey: alice}", "{PublicKey: bob}")).getMessage());
    }

    @Test
    void valuesOfTheWrongShape() {
        assertEquals("basic.yaml:4:5: hosts[0]: expected a host (a map with keys name, count, network, endpoint, address, profile, "
                + "clock, links, interface, peers), got 'alice'",
                error(BASIC.replace("  - name: alice\n", "  - alice\n  - name: carol\n")).getMessage());
        assertEquals("basic.yaml:2:11: duration: expected a single value, got a list",
                error(BASIC.replace("duration: 10s", "duration: [10s]")).getMessage());
    }

    @Test
    void outOfRangeNumbersAndBadEndpoints() {
        assertEquals("basic.yaml:17:49: hosts[1].peers[0].PersistentKeepalive: 70000 is out of range 0..65535",
                error(BASIC.replace("{PublicKey: alice}", "{PublicKey: alice, PersistentKeepalive: 70000}")).getMessage());
        assertEquals("basic.yaml:5:15: hosts[0].endpoint: not an endpoint: '192.0.2.1' (write 192.0.2.1:51820 or [2001:db8::1]:51820)",
                error(BASIC.replace("192.0.2.1:51820", "192.0.2.1")).getMessage());
        assertEquals("basic.yaml:5:15: hosts[0].endpoint: port 70000 is out of range 1..65535 in '192.0.2.1:70000'",
                error(BASIC.replace("192.0.2.1:51820", "192.0.2.1:70000")).getMessage());
    }

    @Test
    void yamlSyntaxErrorsKeepTheirLocation() {
        ScenarioError e = error(BASIC.replace("  - ping: {from: alice, to: bob, start: 1s, count: 3}", "  - ping: {from: alice, to: bob"));
        assertTrue(e.getMessage().startsWith("basic.yaml:"), e.getMessage());
        assertTrue(e.problem().startsWith("not valid YAML: "), e.getMessage());
        assertTrue(e.line() >= 19, e.getMessage());
        assertEquals("basic.yaml:1:1: the file is empty: a scenario is a YAML map (name, duration, hosts, ...)", error("").getMessage());
    }

    @Test
    void aKeyWrittenTwice() {
        assertEquals("basic.yaml:3:1: duration: written twice (first at line 2)",
                error(BASIC.replace("duration: 10s\n", "duration: 10s\nduration: 20s\n")).getMessage());
    }

    @Test
    void checksThatCouldNeverMatchAreRefused() {
        assertEquals("basic.yaml:21:5: expect[0]: unknown check 'pings_delivered_atleast' (did you mean 'pings_delivered_at_least'?); "
                + "checks: handshake_within, pings_delivered_at_least, pings_delivered_at_most, flow_delivered_at_least, "
                + "flow_delivered_at_most, no_duplicate_delivery, endpoint_becomes, "
                + "endpoint_unchanged, cookie_does_not_move_endpoint, no_reply_to_unauthenticated, initiation_retries, drops_include, "
                + "event_count, event_spacing",
                error(BASIC.replace("pings_delivered_at_least:", "pings_delivered_atleast:")).getMessage());
        String kind = error(BASIC.replace("  - pings_delivered_at_least: {from: alice, percent: 50}",
                "  - event_count: {kind: wg.initation-sent, max: 0}")).getMessage();
        assertTrue(kind.startsWith("basic.yaml:21:25: expect[0].event_count.kind: unknown trace kind 'wg.initation-sent' "
                + "(did you mean 'wg.initiation-sent'?)"), kind);
        String reason = error(BASIC.replace("  - pings_delivered_at_least: {from: alice, percent: 50}",
                "  - drops_include: {host: bob, reason: REPLAYED}")).getMessage();
        assertTrue(reason.startsWith("basic.yaml:21:40: expect[0].drops_include.reason: unknown drop reason 'REPLAYED'"), reason);
        assertEquals("basic.yaml:21:18: expect[0].event_count: needs min, max or both", error(BASIC.replace(
                "  - pings_delivered_at_least: {from: alice, percent: 50}", "  - event_count: {kind: wg.drop}")).getMessage());
    }

    @Test
    void timelineEventsTakeExactlyOneActionWithinTheRun() {
        String two = BASIC + "timeline:\n  - at: 5s\n    power_off: {host: bob}\n    power_on: {host: bob}\n";
        assertEquals("basic.yaml:25:15: timeline[0].power_on: a timeline event has exactly one action (link, move, reboot, rebind, "
                + "backlog, power_off, power_on, clock, configure, replay, flood, bitflip, garbage, port_scan), this one has "
                + "[power_off, power_on]", error(two).getMessage());
        String late = BASIC + "timeline:\n  - at: 11s\n    power_off: {host: bob}\n";
        assertEquals("basic.yaml:23:9: timeline[0].at: after the scenario ends (duration 10.000 s)", error(late).getMessage());
        String noChange = BASIC + "timeline:\n  - at: 1s\n    link: {host: bob, direction: up}\n";
        assertTrue(error(noChange).getMessage().startsWith("basic.yaml:24:11: timeline[0].link: a link change names at least one"),
                error(noChange).getMessage());
        String wrongNat = BASIC + "timeline:\n  - at: 1s\n    rebind: {nat: home}\n";
        assertEquals("basic.yaml:24:19: timeline[0].rebind.nat: no NAT named 'home'; NATs: none", error(wrongNat).getMessage());
    }

    @Test
    void secretsAreNotEchoed() {
        String yaml = BASIC.replace("    address: 10.0.0.1\n", "    address: 10.0.0.1\n    interface: {PrivateKey: not-a-key-but-secret}\n");
        String message = error(yaml).getMessage();
        assertFalse(message.contains("not-a-key-but-secret"), message);
        assertTrue(message.contains("expected 32 bytes in base64"), message);
    }

    @Test
    void aFailingCheckSaysWhatItMeasured() {
        // Everything bob sends is lost: the pings cannot be answered.
        Scenario s = ScenarioFile.parse("basic.yaml", BASIC.replace("loss: 30%", "loss: 100%"));
        ScenarioRun.Result r = ScenarioRun.run(s, s.seed(), null);
        assertFalse(r.passed());
        assertEquals("FAIL pings_delivered_at_least alice 50%: 0 of 3 answered (0.0%)", r.failures().get(0).toString());
        assertEquals("wirelab run basic.yaml --seed 1", r.reproduce());
    }

    @Test
    void theReadmeExampleParsesAndRuns() throws IOException {
        String readme = Files.readString(Path.of("scenarios", "README.md"));
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "the README has an annotated yaml example");
        Scenario s = ScenarioFile.parse("README.md", m.group(1));
        ScenarioRun.Result r = ScenarioRun.run(s, s.seed(), null);
        assertTrue(r.passed(), () -> r.failures().toString());
    }
}
