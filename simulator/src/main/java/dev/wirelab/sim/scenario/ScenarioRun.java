package dev.wirelab.sim.scenario;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.sim.Attacker;
import dev.wirelab.sim.Host;
import dev.wirelab.sim.Link;
import dev.wirelab.sim.Ping;
import dev.wirelab.sim.Replay;
import dev.wirelab.sim.UdpFlow;
import dev.wirelab.sim.Simulation;
import dev.wirelab.sim.WallClock;
import dev.wirelab.sim.scenario.Scenario.Action;
import dev.wirelab.sim.scenario.Scenario.AttackerSpec;
import dev.wirelab.sim.scenario.Scenario.HostSpec;
import dev.wirelab.sim.scenario.Scenario.NatSpec;
import dev.wirelab.sim.scenario.Scenario.PeerSpec;
import dev.wirelab.sim.scenario.Scenario.TimelineEvent;
import dev.wirelab.sim.scenario.Scenario.Traffic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs a {@link Scenario} with a seed: builds the {@link Simulation} (networks, NATs, hosts with
 * configured Devices, ping programs, timeline events), runs it for the scenario's duration and
 * checks every expectation against the trace. Same scenario and seed, same trace, byte for byte.
 *
 * <p>Besides what the simulator records, the trace gets "config.host" and "config.peer" records
 * (which key and endpoint each host was given: what silence checks and the visualizer need to
 * name things) and a "timeline" record for every timeline event.
 */
public final class ScenarioRun {
    /** The outcome of one run. */
    public record Result(Scenario scenario, long seed, List<Verdict> verdicts, String traceSha256, long traceRecords,
            long events) {
        public boolean passed() {
            return verdicts.stream().allMatch(Verdict::passed);
        }

        public List<Verdict> failures() {
            return verdicts.stream().filter(v -> !v.passed()).toList();
        }

        /** The command that repeats this run exactly. */
        public String reproduce() {
            return "wirelab run " + scenario.file() + " --seed " + seed;
        }
    }

    private final Scenario scenario;
    private final Simulation sim;
    private final Map<String, PrivateKey> privateKeys = new LinkedHashMap<>();
    private final Map<String, PublicKey> publicKeys = new LinkedHashMap<>();
    /** Each host's peer changes so far (file, then timeline): what a reboot restores, in order. */
    private final Map<String, List<Applied>> configured = new LinkedHashMap<>();
    /** What each attacker records, by "attacker host up". */
    private final Map<String, Replay> recordings = new LinkedHashMap<>();

    /** Peer changes as applied: {@code change} for timeline changes, whose AllowedIPs replace. */
    private record Applied(List<PeerSpec> peers, boolean change) {}

    private ScenarioRun(Scenario scenario, long seed, Consumer<String> traceLines) {
        this.scenario = scenario;
        this.sim = new Simulation(seed, true);
        if (traceLines != null) {
            sim.trace().streamTo(traceLines);
        }
    }

    /** Runs {@code scenario} with {@code seed}; every trace line also goes to {@code traceLines} (may be null). */
    public static Result run(Scenario scenario, long seed, Consumer<String> traceLines) {
        return run(scenario, seed, traceLines, sim -> { });
    }

    /**
     * As above, handing the empty simulation to {@code prepare} first: the place to attach a
     * {@link dev.wirelab.sim.capture.SimCapture} or another {@link dev.wirelab.sim.Wiretap}.
     */
    public static Result run(Scenario scenario, long seed, Consumer<String> traceLines, Consumer<Simulation> prepare) {
        ScenarioRun run = new ScenarioRun(scenario, seed, traceLines);
        prepare.accept(run.sim);
        return run.execute();
    }

    private Result execute() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("scenario", scenario.name());
        header.put("seed", sim.seed());
        header.put("durationNanos", scenario.durationNanos());
        sim.trace().header(header);
        for (String n : scenario.networks()) {
            sim.network(n);
        }
        for (NatSpec n : scenario.nats()) {
            sim.addNat(n.name(), n.inside(), n.outside(), n.publicAddress(), n.filtering(), n.mappingTimeoutNanos(), n.up(), n.down());
        }
        for (HostSpec h : scenario.hosts()) {
            sim.addHost(h.name(), h.network(), h.endpoint(), h.up(), h.down(), h.profile(), new WallClock(h.wallStartNanos(), h.driftPartsPerMillion()));
            PrivateKey key = h.privateKey() != null ? h.privateKey() : PrivateKey.generate(sim.entropy("key:" + h.name()));
            privateKeys.put(h.name(), key);
            publicKeys.put(h.name(), Crypto.fastest().x25519().publicKey(key));
        }
        for (HostSpec h : scenario.hosts()) {
            configured.put(h.name(), new ArrayList<>(List.of(new Applied(h.peers(), false))));
            boot(h);
            Host host = sim.host(h.name());
            for (Bytes a : h.addresses()) {
                Ping.respond(host, a.toByteArray());
            }
        }
        boolean flows = scenario.traffic().stream().anyMatch(t -> t instanceof Traffic.Flow);
        if (flows) {
            for (HostSpec h : scenario.hosts()) {
                for (Bytes a : h.addresses()) {
                    UdpFlow.receive(sim, sim.host(h.name()), a.toByteArray());
                }
            }
        }
        for (AttackerSpec a : scenario.attackers()) {
            sim.addAttacker(a.name(), a.network(), a.endpoint(), a.up(), a.down());
        }
        // Replays re-inject what was recorded since the start: every link a replay names is recorded from 0.
        for (TimelineEvent e : scenario.timeline()) {
            if (e.action() instanceof Action.Replay r) {
                recordings.computeIfAbsent(r.attacker() + " " + r.host() + " " + r.up(),
                        k -> sim.attacker(r.attacker()).record(sim.links(r.host())[r.up() ? 0 : 1]));
            }
        }
        int flow = 0;
        int udpFlow = 0;
        for (Traffic t : scenario.traffic()) {
            switch (t) {
                case Traffic.Ping p -> Ping.start(sim, sim.host(p.from()), "ping:" + p.from() + ":" + flow++, p.source().toByteArray(),
                        p.destination().toByteArray(), p.startNanos(), p.intervalNanos(), p.count(), p.payloadBytes());
                case Traffic.Flow f -> UdpFlow.start(sim, sim.host(f.from()), ++udpFlow, f.source().toByteArray(),
                        f.destination().toByteArray(), f.port(), f.startNanos(), f.intervalNanos(), f.count(), f.payloadBytes(),
                        f.responseBytes() == null ? -1 : f.responseBytes());
            }
        }
        for (TimelineEvent e : scenario.timeline()) {
            sim.events().at(e.atNanos(), () -> act(e.action()));
        }
        sim.runUntil(scenario.durationNanos());

        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, List<String>> addresses = new LinkedHashMap<>();
        for (HostSpec h : scenario.hosts()) {
            keys.put(h.name(), publicKeys.get(h.name()).base64());
            addresses.put(h.name(), h.addresses().stream().map(a -> Prefix.of(a, a.length() * 8).toString()).toList());
        }
        Evidence evidence = new Evidence(sim.trace().records(), keys, addresses, scenario.durationNanos());
        List<Verdict> verdicts = new ArrayList<>();
        for (Expectation x : scenario.expectations()) {
            verdicts.add(x.check(evidence));
        }
        return new Result(scenario, sim.seed(), List.copyOf(verdicts), sim.trace().sha256(), sim.trace().count(), sim.events().executed());
    }

    /** Configures a fresh Device: interface settings, then every peer change so far, in order. */
    private void boot(HostSpec h) {
        Host host = sim.host(h.name());
        host.device().setMtu(h.mtu());
        host.configure(DeviceEdit.privateKey(privateKeys.get(h.name())));
        sim.trace().record(h.name(), "config.host", "key", publicKeys.get(h.name()).base64(), "endpoint", host.endpoint().toString(),
                "profile", host.device().profile().name(), "mtu", h.mtu());
        for (Applied a : configured.get(h.name())) {
            configure(h, a.peers(), a.change());
        }
    }

    /**
     * Applies {@code peers} to the host's current Device. {@code change}: a timeline change, whose
     * AllowedIPs replace the peer's list as `wg set` does.
     */
    private void configure(HostSpec h, List<PeerSpec> peers, boolean change) {
        Host host = sim.host(h.name());
        for (PeerSpec p : peers) {
            PublicKey key = p.host() != null ? publicKeys.get(p.host()) : p.publicKey();
            if (p.remove()) {
                host.configure(DeviceEdit.peers(PeerEdit.removal(key)));
                sim.trace().record(h.name(), "config.peer", "peer", key.base64(), "name", p.label(), "removed", true);
                continue;
            }
            Endpoint endpoint = p.endpointHost() != null ? sim.host(p.endpointHost()).endpoint() : p.endpoint();
            List<Prefix> allowed = p.allowedIps() != null ? p.allowedIps()
                    : scenario.host(p.host()).addresses().stream().map(a -> Prefix.of(a, a.length() * 8)).toList();
            SymmetricKey psk = p.presharedKey();
            if (p.generatedPsk()) {
                String pair = h.name().compareTo(p.host()) < 0 ? h.name() + ":" + p.host() : p.host() + ":" + h.name();
                byte[] b = new byte[SymmetricKey.LENGTH];
                sim.entropy("psk:" + pair).nextBytes(b);
                psk = SymmetricKey.of(b);
            }
            boolean replace = change && p.allowedIps() != null;
            PeerEdit edit = new PeerEdit(key, false, false, psk, endpoint, p.keepaliveSeconds(), replace, allowed);
            // Recorded first: a persistent keepalive switched on sends at once, to this endpoint.
            sim.trace().record(h.name(), "config.peer", "peer", key.base64(), "name", p.label(),
                    "endpoint", endpoint == null ? "none" : endpoint.toString(),
                    "allowedIps", allowed.stream().map(Prefix::toString).collect(Collectors.joining(", ")),
                    "keepalive", p.keepaliveSeconds() == null ? 0 : p.keepaliveSeconds());
            host.configure(DeviceEdit.peers(edit));
        }
        host.reschedule();
    }

    private void act(Action action) {
        long now = sim.events().now();
        switch (action) {
            case Action.LinkChange c -> {
                Link[] links = sim.links(c.host());
                if (c.up()) {
                    links[0].setSpec(c.patch().applyTo(links[0].spec(), now));
                }
                if (c.down()) {
                    links[1].setSpec(c.patch().applyTo(links[1].spec(), now));
                }
                sim.trace().record(c.host(), "timeline", "action", "link", "direction", c.up() && c.down() ? "both" : c.up() ? "up" : "down",
                        "spec", (c.up() ? links[0] : links[1]).spec().toString());
            }
            case Action.Move m -> {
                sim.trace().record(m.host(), "timeline", "action", "move", "network", m.network(), "endpoint", m.endpoint().toString());
                sim.moveHost(m.host(), m.network(), m.endpoint());
            }
            case Action.Reboot r -> {
                Host host = sim.host(r.host());
                sim.trace().record(r.host(), "timeline", "action", "reboot", "wall", r.wallNanos() == null ? "unchanged" : r.wallNanos().toString(),
                        "profile", r.profile() == null ? "unchanged" : r.profile().name());
                if (r.wallNanos() != null) {
                    host.clock().step(now, r.wallNanos());
                }
                sim.reboot(r.host(), r.profile() != null ? r.profile() : host.device().profile());
                boot(scenario.host(r.host()));
            }
            case Action.Rebind r -> {
                sim.trace().record(r.nat(), "timeline", "action", "rebind");
                sim.nat(r.nat()).rebind();
            }
            case Action.Backlog b -> {
                sim.trace().record(b.host(), "timeline", "action", "backlog", "queued", b.queued());
                sim.host(b.host()).setExtraHandshakeBacklog(b.queued());
            }
            case Action.Power p -> {
                sim.trace().record(p.host(), "timeline", "action", p.down() ? "power_off" : "power_on");
                sim.host(p.host()).setDown(p.down());
            }
            case Action.Clock c -> {
                WallClock clock = sim.host(c.host()).clock();
                if (c.wallNanos() != null) {
                    clock.step(now, c.wallNanos());
                } else if (c.stepNanos() != null) {
                    clock.step(now, clock.wallAt(now) + c.stepNanos());
                }
                if (c.driftPartsPerMillion() != null) {
                    clock.setDrift(now, c.driftPartsPerMillion());
                }
                sim.trace().record(c.host(), "timeline", "action", "clock", "wall", clock.wallAt(now));
            }
            case Action.Replay r -> {
                Replay replay = recordings.get(r.attacker() + " " + r.host() + " " + r.up());
                Attacker.Source source = r.spoofed() ? Attacker.Source.SPOOFED : Attacker.Source.OWN;
                sim.trace().record(r.attacker(), "timeline", "action", "replay", "link", sim.links(r.host())[r.up() ? 0 : 1].name(),
                        "recorded", replay.recorded().size(), "source", r.spoofed() ? "spoofed" : "own");
                if (r.all()) {
                    replay.replayAll(now, r.messageType(), source);
                } else if (r.random() != null) {
                    replay.replayRandom(now, r.random(), source);
                } else {
                    replay.replay(now, r.messageType(), r.index(), source);
                }
            }
            case Action.Flood f -> {
                Host target = sim.host(f.target());
                sim.trace().record(f.attacker(), "timeline", "action", "flood", "target", target.endpoint().toString(),
                        "sources", f.sources().toString(), "perSecond", f.perSecond(), "durationNanos", f.durationNanos());
                sim.attacker(f.attacker()).handshakeFlood(target.endpoint(), publicKeys.get(f.target()), f.sources(), now,
                        f.durationNanos(), f.perSecond());
            }
            case Action.BitFlip b -> {
                Link[] links = sim.links(b.host());
                sim.trace().record(b.attacker(), "timeline", "action", "bitflip", "host", b.host(),
                        "direction", b.up() && b.down() ? "both" : b.up() ? "up" : "down", "probability", b.probability().toString());
                if (b.up()) {
                    sim.attacker(b.attacker()).flipBits(links[0], b.probability());
                }
                if (b.down()) {
                    sim.attacker(b.attacker()).flipBits(links[1], b.probability());
                }
            }
            case Action.Garbage g -> {
                Attacker attacker = sim.attacker(g.attacker());
                Host target = sim.host(g.target());
                sim.trace().record(g.attacker(), "timeline", "action", "garbage", "target", target.endpoint().toString(), "count", g.count());
                attacker.garbage(g.source() != null ? g.source() : attacker.endpoint(), target.endpoint(), now, g.intervalNanos(), g.count(),
                        g.lengthMax());
            }
            case Action.PortScan p -> {
                Host target = sim.host(p.target());
                sim.trace().record(p.attacker(), "timeline", "action", "port_scan", "target", target.endpoint().toString(),
                        "ports", p.firstPort() + "-" + p.lastPort());
                sim.attacker(p.attacker()).portScan(target.endpoint().address(), p.firstPort(), p.lastPort(), now, p.intervalNanos(),
                        dev.wirelab.engine.Bytes.wrap(new byte[p.probeBytes()]));
            }
            case Action.Configure c -> {
                sim.trace().record(c.host(), "timeline", "action", "configure", "peers", c.peers().size());
                configured.get(c.host()).add(new Applied(c.peers(), true));
                configure(scenario.host(c.host()), c.peers(), true);
            }
        }
    }
}
