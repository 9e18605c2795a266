package dev.wirelab.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.sim.Trace;
import dev.wirelab.sim.scenario.Scenario.Action;
import dev.wirelab.sim.scenario.Scenario.Traffic;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Attackers and UDP flows in scenario files: what they become, the mistakes they report, and the checks on flows. */
class AttackAndFlowScenarioTest {
    /** {@link ScenarioFileTest#BASIC} with an attacker; lines 22 to 24. */
    static final String WITH_MALLORY = ScenarioFileTest.BASIC + """
            attackers:
              - name: mallory
                endpoint: 198.51.100.66:6666
            """;

    private static ScenarioError error(String yaml) {
        return ScenarioFileTest.error(yaml);
    }

    /** WITH_MALLORY plus one timeline event whose action is {@code action} (line 27). */
    private static String event(String action) {
        return WITH_MALLORY + "timeline:\n  - at: 1s\n    " + action + "\n";
    }

    @Test
    void attackersAndTheirActionsAreRead() {
        Scenario s = ScenarioFile.parse("basic.yaml", WITH_MALLORY + """
                timeline:
                  - at: 1s
                    replay: {attacker: mallory, host: alice, type: transport, index: 2, source: spoofed}
                  - at: 2s
                    replay: {attacker: mallory, host: bob, direction: down, all: true}
                  - at: 3s
                    flood: {attacker: mallory, target: bob, sources: 198.18.0.0/15, rate: 6000/s, duration: 2s}
                  - at: 4s
                    bitflip: {attacker: mallory, host: alice, direction: up, probability: 1/3}
                  - at: 5s
                    garbage: {attacker: mallory, target: bob, source: alice, count: 5}
                  - at: 6s
                    port_scan: {attacker: mallory, target: bob, ports: 51810-51830}
                """);
        assertEquals("mallory", s.attackers().get(0).name());
        assertEquals("internet", s.attackers().get(0).network());
        assertEquals(new Action.Replay("mallory", "alice", true, 4, 2, null, false, true), s.timeline().get(0).action());
        assertEquals(new Action.Replay("mallory", "bob", false, 0, null, null, true, false), s.timeline().get(1).action());
        Action.Flood flood = (Action.Flood) s.timeline().get(2).action();
        assertEquals(6000, flood.perSecond());
        assertEquals(2_000_000_000L, flood.durationNanos());
        Action.BitFlip flip = (Action.BitFlip) s.timeline().get(3).action();
        assertTrue(flip.up() && !flip.down());
        Action.Garbage garbage = (Action.Garbage) s.timeline().get(4).action();
        assertEquals("192.0.2.1:51820", garbage.source().toString(), "a host name spoofs that host's endpoint");
        assertEquals(new Action.PortScan("mallory", "bob", 51810, 51830, 1_000_000L, 0), s.timeline().get(5).action());
    }

    @Test
    void attackMistakesNameFileLineAndField() {
        assertEquals("basic.yaml:27:24: timeline[0].replay.attacker: no attacker named 'malory' (did you mean 'mallory'?); attackers: mallory",
                error(event("replay: {attacker: malory, host: alice, type: initiation}")).getMessage());
        assertEquals("basic.yaml:27:13: timeline[0].replay.type: missing: say which datagram to replay (type: initiation with index: N), "
                + "or random: N, or all: true", error(event("replay: {attacker: mallory, host: alice}")).getMessage());
        assertEquals("basic.yaml:27:62: timeline[0].replay.all: a replay picks by index (with type), random: N or all: true; "
                + "this one has [random, all]", error(event("replay: {attacker: mallory, host: alice, random: 3, all: true}")).getMessage());
        assertEquals("basic.yaml:27:52: timeline[0].replay.type: not a message type: 'initation' (did you mean 'initiation'?); "
                + "write initiation, response, cookie, transport or 1..4",
                error(event("replay: {attacker: mallory, host: alice, type: initation}")).getMessage());
        assertEquals("basic.yaml:27:65: timeline[0].replay.source: 'spoofd' is not one of own, spoofed (did you mean 'spoofed'?)",
                error(event("replay: {attacker: mallory, host: alice, all: true, source: spoofd}")).getMessage()
                        .replace("spoofed, own", "own, spoofed"));
        String version = error(event("flood: {attacker: mallory, target: bob, sources: \"2001:db8::/32\", rate: 10/s, duration: 1s}")).getMessage();
        assertTrue(version.startsWith("basic.yaml:27:54: timeline[0].flood.sources: spoofed sources 2001:db8::/32 and target bob's endpoint "
                + "differ in IP version"), version);
        assertEquals("basic.yaml:27:75: timeline[0].flood.rate: not a rate: 'fast' (write 100/s: packets per second)",
                error(event("flood: {attacker: mallory, target: bob, sources: 198.18.0.0/15, rate: fast, duration: 1s}")).getMessage());
        assertEquals("basic.yaml:27:56: timeline[0].port_scan.ports: not a port range: '51840-51800' (write 51800-51840 or 51820; ports 1..65535)",
                error(event("port_scan: {attacker: mallory, target: bob, ports: 51840-51800}")).getMessage());
        assertEquals("basic.yaml:27:58: timeline[0].bitflip.probability: not a probability: 'often' (write 30%, 12.5%, 1/3 or 0.25)",
                error(event("bitflip: {attacker: mallory, host: bob, probability: often}")).getMessage());
        assertEquals("basic.yaml:27:14: timeline[0].bitflip.probability: missing (required)",
                error(event("bitflip: {attacker: mallory, host: bob}")).getMessage());
        assertEquals("basic.yaml:27:42: timeline[0].garbage.target: no host named 'bobb' (did you mean 'bob'?); hosts: alice, bob",
                error(event("garbage: {attacker: mallory, target: bobb}")).getMessage());
        String none = error(ScenarioFileTest.BASIC + "timeline:\n  - at: 1s\n    garbage: {attacker: mallory, target: bob}\n").getMessage();
        assertTrue(none.endsWith("no attacker named 'mallory'; attackers: none (declare them under attackers:)"), none);
    }

    @Test
    void attackerDeclarationMistakes() {
        assertEquals("basic.yaml:24:5: attackers[0].endpiont: unknown key (did you mean 'endpoint'?); an attacker takes name, network, "
                + "endpoint, links", error(WITH_MALLORY.replace("    endpoint: 198.51", "    endpiont: 198.51")).getMessage());
        assertEquals("basic.yaml:23:5: attackers[0]: attacker mallory has the same address on internet as bob (192.0.2.2): give it its own "
                + "address (it may still spoof any source)", error(WITH_MALLORY.replace("198.51.100.66:6666", "192.0.2.2:6666")).getMessage());
        assertEquals("basic.yaml:23:11: attackers[0].name: the name 'bob' is already used by a host, NAT, attacker or network",
                error(WITH_MALLORY.replace("name: mallory", "name: bob")).getMessage());
    }

    @Test
    void flowMistakes() {
        String both = ScenarioFileTest.BASIC.replace("  - ping: {from: alice, to: bob, start: 1s, count: 3}",
                "  - udp_flow: {from: alice, to: bob, rate: 10/s, interval: 1s}");
        assertEquals("basic.yaml:19:44: traffic[0].udp_flow.rate: give rate or interval, not both", error(both).getMessage());
        String two = ScenarioFileTest.BASIC.replace("  - ping: {from: alice, to: bob, start: 1s, count: 3}",
                "  - ping: {from: alice, to: bob}\n    udp_flow: {from: alice, to: bob}");
        assertEquals("basic.yaml:20:15: traffic[0].udp_flow: a traffic entry is exactly one of ping, udp_flow, request_response, "
                + "this one has [ping, udp_flow]", error(two).getMessage());
        String small = ScenarioFileTest.BASIC.replace("  - ping: {from: alice, to: bob, start: 1s, count: 3}",
                "  - request_response: {from: alice, to: bob, response_size: 4}");
        assertEquals("basic.yaml:19:61: traffic[0].request_response.response_size: 4 is out of range 12..65000", error(small).getMessage());
        String check = ScenarioFileTest.BASIC.replace("  - pings_delivered_at_least: {from: alice, percent: 50}",
                "  - flow_delivered_at_least: {from: alice, percnt: 50}");
        assertEquals("basic.yaml:21:44: expect[0].flow_delivered_at_least.percnt: unknown key (did you mean 'percent'?); "
                + "flow_delivered_at_least takes from, to, percent, between", error(check).getMessage());
        String kind = ScenarioFileTest.BASIC.replace("  - pings_delivered_at_least: {from: alice, percent: 50}",
                "  - event_count: {kind: flow.recieve, max: 0}");
        assertTrue(error(kind).getMessage().contains("unknown trace kind 'flow.recieve' (did you mean 'flow.recv'?)"), error(kind).getMessage());
    }

    @Test
    void flowsAreRead() {
        Scenario s = ScenarioFile.parse("basic.yaml", ScenarioFileTest.BASIC.replace("  - ping: {from: alice, to: bob, start: 1s, count: 3}",
                "  - udp_flow: {from: alice, to: bob, rate: 50/s, count: 10}\n  - request_response: {from: bob, to: alice, port: 53}"));
        Traffic.Flow oneWay = (Traffic.Flow) s.traffic().get(0);
        assertEquals(20_000_000L, oneWay.intervalNanos());
        assertEquals(5001, oneWay.port());
        assertEquals(100, oneWay.payloadBytes());
        assertEquals(null, oneWay.responseBytes());
        Traffic.Flow request = (Traffic.Flow) s.traffic().get(1);
        assertEquals(53, request.port());
        assertEquals(100, request.responseBytes());
    }

    // ---------------------------------------------------------------- the checks, on traces written by hand

    private static Trace.Record record(long t, String at, String kind, Object... fields) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            f.put((String) fields[i], fields[i + 1]);
        }
        return new Trace.Record(t, at, kind, f);
    }

    private static Evidence evidence(List<Trace.Record> records) {
        return new Evidence(records, Map.of("alice", "KA", "bob", "KB"), Map.of("alice", List.of("10.0.0.1/32"), "bob", List.of("10.0.0.2/32")),
                10_000_000_000L);
    }

    /** alice sends flow 1 (one-way, seq 0..3) and flow 2 (requests, seq 0..1); bob receives 0, 1 and 3, answers request 0. */
    private static List<Trace.Record> flows() {
        List<Trace.Record> r = new ArrayList<>();
        for (int seq = 0; seq < 4; seq++) {
            r.add(record(seq * 1000L, "alice", "flow.send", "flow", 1, "seq", seq, "dst", "10.0.0.2/32", "kind", "oneway"));
        }
        r.add(record(5000, "alice", "flow.send", "flow", 2, "seq", 0, "dst", "10.0.0.2/32", "kind", "request"));
        r.add(record(6000, "alice", "flow.send", "flow", 2, "seq", 1, "dst", "10.0.0.2/32", "kind", "request"));
        for (int seq : new int[] {0, 1, 3}) {
            r.add(record(seq * 1000L + 10, "bob", "flow.recv", "flow", 1, "seq", seq, "src", "10.0.0.1/32", "kind", "oneway"));
        }
        r.add(record(5010, "bob", "flow.recv", "flow", 2, "seq", 0, "src", "10.0.0.1/32", "kind", "request"));
        r.add(record(6010, "bob", "flow.recv", "flow", 2, "seq", 1, "src", "10.0.0.1/32", "kind", "request"));
        r.add(record(5020, "alice", "flow.response", "flow", 2, "seq", 0, "dst", "10.0.0.2/32", "rttNanos", 20));
        r.sort((a, b) -> Long.compare(a.time(), b.time()));
        return r;
    }

    @Test
    void flowDeliveryCountsReceivedDatagramsAndAnsweredRequests() {
        Evidence e = evidence(flows());
        Verdict atLeast = new Expectation.FlowDelivered("alice", null, new BigDecimal(66), true, Expectation.Window.ALL).check(e);
        assertTrue(atLeast.passed(), atLeast::toString);
        assertEquals("4 of 6 delivered (66.7%; 2 requests, delivered means answered)", atLeast.measured());
        assertFalse(new Expectation.FlowDelivered("alice", null, new BigDecimal(67), true, Expectation.Window.ALL).check(e).passed());
        assertTrue(new Expectation.FlowDelivered("alice", "bob", new BigDecimal(67), false, Expectation.Window.ALL).check(e).passed());
        Verdict window = new Expectation.FlowDelivered("alice", null, new BigDecimal(100), true, new Expectation.Window(0, 1000)).check(e);
        assertEquals("2 of 2 delivered (100.0%)", window.measured());
        Verdict none = new Expectation.FlowDelivered("bob", null, new BigDecimal(1), true, Expectation.Window.ALL).check(e);
        assertFalse(none.passed());
        assertEquals("no flow datagrams were sent", none.measured());
        Verdict elsewhere = new Expectation.FlowDelivered("alice", "10.9.9.9", BigDecimal.ONE, true, Expectation.Window.ALL).check(e);
        assertFalse(elsewhere.passed(), "nothing was sent to that address");
    }

    @Test
    void aFlowDatagramDeliveredTwiceFailsNoDuplicateDelivery() {
        assertTrue(new Expectation.NoDuplicateDelivery().check(evidence(flows())).passed());
        List<Trace.Record> twice = new ArrayList<>(flows());
        twice.add(record(7000, "bob", "flow.duplicate", "flow", 1, "seq", 3, "src", "10.0.0.1/32", "kind", "oneway"));
        Verdict v = new Expectation.NoDuplicateDelivery().check(evidence(twice));
        assertFalse(v.passed());
        assertTrue(v.measured().startsWith("1 flow datagrams delivered twice, first flow 1 seq 3 (oneway) at bob"), v.measured());
    }

    @Test
    void aRunDeliversFlowsAndReportsWhatItMeasured() {
        Scenario s = ScenarioFile.parse("basic.yaml", ScenarioFileTest.BASIC
                .replace("  - ping: {from: alice, to: bob, start: 1s, count: 3}",
                        "  - udp_flow: {from: alice, to: bob, start: 1s, rate: 10/s, count: 20}\n"
                                + "  - request_response: {from: bob, to: alice, start: 1s, rate: 10/s, count: 20, response_size: 300}")
                .replace("  - pings_delivered_at_least: {from: alice, percent: 50}",
                        "  - flow_delivered_at_least: {from: alice, percent: 100}\n"
                                + "  - flow_delivered_at_least: {from: bob, percent: 100}\n  - no_duplicate_delivery"));
        ScenarioRun.Result r = ScenarioRun.run(s, s.seed(), null);
        // bob's uplink loses 30%: alice's one-way flow arrives whole, bob's requests or their answers do not all.
        assertEquals("PASS flow_delivered_at_least alice 100%: 20 of 20 delivered (100.0%)", r.verdicts().get(0).toString());
        assertFalse(r.verdicts().get(1).passed(), r.verdicts().get(1)::toString);
        assertTrue(r.verdicts().get(2).passed(), r.verdicts().get(2)::toString);
    }
}
