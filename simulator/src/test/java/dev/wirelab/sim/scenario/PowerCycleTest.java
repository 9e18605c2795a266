package dev.wirelab.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A host switched off and on again keeps its Device, and the Device's timers run again. */
class PowerCycleTest {
    @Test
    void timersThatCameDueWhileOffFireWhenTheHostIsBackOn() {
        // alice's persistent keepalive is due at 5.02 s while she is off (2 s to 20 s): it must go
        // out when she is back, and every 5 s after, not be lost with the skipped timer event.
        Scenario s = ScenarioFile.parse("power.yaml", """
                name: power
                duration: 31s
                hosts:
                  - name: alice
                    endpoint: 192.0.2.1:51820
                    links: {both: {delay: 5ms}}
                    peers: [{PublicKey: bob, Endpoint: bob, PersistentKeepalive: 5}]
                  - name: bob
                    endpoint: 192.0.2.2:51820
                    links: {both: {delay: 5ms}}
                    peers: [{PublicKey: alice}]
                timeline:
                  - {at: 2s, power_off: {host: alice}}
                  - {at: 20s, power_on: {host: alice}}
                expect:
                  - event_count: {kind: wg.data-sent, host: alice, between: [2s, 19999ms], max: 0}
                  - event_count: {kind: wg.data-sent, host: alice, where: {len: 0}, between: [20s, 20s], min: 1, max: 1}
                  - event_spacing: {kind: wg.data-sent, host: alice, between: [20s, 31s], min: 5s, max: 5s, at_least: 2}
                  - event_count: {kind: wg.data-received, host: bob, between: [20s, 31s], min: 3}
                """);
        ScenarioRun.Result r = ScenarioRun.run(s, 1, null);
        assertTrue(r.passed(), () -> r.verdicts().toString());
    }
}
