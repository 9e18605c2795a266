package dev.wirelab.bench;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.sim.Host;
import dev.wirelab.sim.LinkSpec;
import dev.wirelab.sim.Ping;
import dev.wirelab.sim.Simulation;
import dev.wirelab.sim.WallClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Simulator throughput. {@code pingPair}: two hosts, one ping every 10 ms for 10 simulated
 * seconds, with the trace hashed but not kept; the {@code events} counter reports events
 * executed per second of wall time. {@code hubHour}: a hub with 1,000 peers, each pinging it once
 * a minute, for one simulated hour (handshakes and rekeys included), timed once per iteration.
 */
@Fork(1)
public class SimulatorBench {
    private static final long S = Protocol.SECOND_NANOS;
    private static final long MS = 1_000_000L;

    /** Events executed, reported by JMH as a rate beside the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Events {
        public long events;

        @Setup(Level.Iteration)
        public void reset() {
            events = 0;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 3, time = 5)
    public String pingPair(Events counter) {
        Simulation sim = hub(1, 10 * MS, 1000);
        sim.runUntil(11 * S);
        counter.events += sim.events().executed();
        return sim.trace().sha256();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 2)
    public String hubHour(Events counter) {
        Simulation sim = hub(1000, 60 * S, 60);
        sim.runUntil(3600 * S + 30 * S);
        counter.events += sim.events().executed();
        return sim.trace().sha256();
    }

    /**
     * A hub (10.0.0.1) and {@code spokes} peers (10.0.x.y), 5 ms links; each spoke sends
     * {@code count} pings to the hub every {@code interval}, the spokes starting 1 ms apart.
     */
    static Simulation hub(int spokes, long interval, int count) {
        Simulation sim = new Simulation(1, false);
        WallClock clock = new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0);
        Host hub = sim.addHost("hub", "internet", Endpoint.ipv4("192.0.2.1:51820"), LinkSpec.ideal(5 * MS),
                LinkSpec.ideal(5 * MS), Profile.REFERENCE, clock);
        PrivateKey hubKey = PrivateKey.generate(sim.entropy("key:hub"));
        PublicKey hubPublic = Crypto.fastest().x25519().publicKey(hubKey);
        hub.device().apply(DeviceEdit.privateKey(hubKey), hub.now(), hub.effects());
        byte[] hubTunnel = {10, 0, 0, 1};
        Ping.respond(hub, hubTunnel);
        List<PeerEdit> hubPeers = new ArrayList<>();
        for (int i = 0; i < spokes; i++) {
            int n = i + 2;
            byte[] tunnel = {10, 0, (byte) (n >>> 8), (byte) n};
            String name = "spoke" + i;
            Endpoint endpoint = Endpoint.ipv4("198.51." + (100 + n / 250) + "." + (n % 250 + 1) + ":51820");
            Host spoke = sim.addHost(name, "internet", endpoint, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS),
                    Profile.REFERENCE, clock);
            PrivateKey key = PrivateKey.generate(sim.entropy("key:" + name));
            spoke.device().apply(DeviceEdit.privateKey(key), spoke.now(), spoke.effects());
            spoke.device().apply(DeviceEdit.peers(PeerEdit.add(hubPublic, hub.endpoint(), Prefix.parse("10.0.0.1/32"))),
                    spoke.now(), spoke.effects());
            hubPeers.add(PeerEdit.add(Crypto.fastest().x25519().publicKey(key), null, Prefix.of(tunnel, 32)));
            Ping.start(sim, spoke, tunnel, hubTunnel, S + i * MS, interval, count, 56);
        }
        hub.device().apply(new DeviceEdit(null, false, null, null, false, hubPeers), hub.now(), hub.effects());
        return sim;
    }
}
