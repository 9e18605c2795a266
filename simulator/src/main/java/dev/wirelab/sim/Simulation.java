package dev.wirelab.sim;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.device.Device;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated network on a virtual clock: segments, hosts running engine Devices, links, NAT
 * boxes, all driven by one {@link EventQueue}. One root seed is split by name for each host, link
 * and box, so adding a link does not change the randomness of a host. No wall clock, no threads:
 * the same construction and seed give the same {@link Trace}, byte for byte.
 */
public final class Simulation {
    /** 2023-11-14T22:13:20Z: where every host's wall clock starts unless a scenario says otherwise. */
    public static final long DEFAULT_START_WALL_NANOS = 1_700_000_000_000_000_000L;

    private final long seed;
    private final DeterministicEntropy root;
    private final EventQueue events = new EventQueue();
    private final Trace trace;
    private final Map<String, Network> networks = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, Nat> nats = new LinkedHashMap<>();
    private final Map<String, Link[]> hostLinks = new LinkedHashMap<>();
    private final List<Wiretap> wiretaps = new ArrayList<>();
    private final Map<String, Attacker> attackers = new LinkedHashMap<>();
    private final Map<String, Integer> reboots = new LinkedHashMap<>();

    public Simulation(long seed, boolean keepTrace) {
        this.seed = seed;
        this.root = new DeterministicEntropy(seed);
        this.trace = new Trace(events, keepTrace);
    }

    public long seed() {
        return seed;
    }

    public EventQueue events() {
        return events;
    }

    public Trace trace() {
        return trace;
    }

    /** Independent, reproducible randomness for the subsystem called {@code name}. */
    public DeterministicEntropy entropy(String name) {
        return root.split(name);
    }

    public Network network(String name) {
        return networks.computeIfAbsent(name, n -> new Network(n, trace));
    }

    public Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host named '" + name + "'");
        }
        return h;
    }

    /**
     * Lets {@code tap} see every host's datagrams and initiations from now on, hosts added later
     * included (a capture: {@link dev.wirelab.sim.capture.SimCapture#attach}).
     */
    public void addWiretap(Wiretap tap) {
        wiretaps.add(tap);
        for (Host h : hosts.values()) {
            h.addWiretap(tap);
        }
    }

    public Map<String, Host> hosts() {
        return hosts;
    }

    public Nat nat(String name) {
        return nats.get(name);
    }

    /**
     * Adds a host on {@code network} at {@code endpoint}, with links {@code up} (host to network)
     * and {@code down}, running a Device of {@code profile} whose randomness is split from the seed.
     */
    public Host addHost(String name, String network, Endpoint endpoint, LinkSpec up, LinkSpec down, Profile profile,
            WallClock clock) {
        if (hosts.containsKey(name) || attackers.containsKey(name)) {
            throw new IllegalArgumentException("a host or attacker is already named '" + name + "'");
        }
        Host host = new Host(name, events, trace, clock);
        Network net = network(network);
        Link uplink = new Link(name + "->" + network, up, events, entropy("link:" + name + ":up"), trace, net);
        Link downlink = new Link(network + "->" + name, down, events, entropy("link:" + name + ":down"), trace, host);
        net.attach(endpoint.address(), downlink);
        Device device = new Device(profile, Crypto.fastest(), entropy("host:" + name));
        host.attach(device, endpoint, uplink);
        for (Wiretap tap : wiretaps) {
            host.addWiretap(tap);
        }
        hosts.put(name, host);
        hostLinks.put(name, new Link[] {uplink, downlink});
        return host;
    }

    /** The host's {up, down} links, for faults on a timeline. */
    public Link[] links(String host) {
        return hostLinks.get(host);
    }

    /** Moves a host to a new address (and port) on a network, keeping its Device and link specs. */
    public void moveHost(String name, String network, Endpoint endpoint) {
        Host host = host(name);
        Link[] old = hostLinks.get(name);
        for (Network n : networks.values()) {
            n.detach(host.endpoint().address());
        }
        Network net = network(network);
        Link uplink = new Link(name + "->" + network, old[0].spec(), events, entropy("link:" + name + ":up:" + endpoint), trace, net);
        Link downlink = new Link(network + "->" + name, old[1].spec(), events, entropy("link:" + name + ":down:" + endpoint), trace, host);
        net.attach(endpoint.address(), downlink);
        host.move(endpoint, uplink);
        hostLinks.put(name, new Link[] {uplink, downlink});
    }

    /**
     * Adds a NAT whose inside is {@code insideNetwork} and whose public address sits on
     * {@code outsideNetwork}, with ideal links of {@code delayNanos} to the outside.
     */
    public Nat addNat(String name, String insideNetwork, String outsideNetwork, Bytes publicAddress, Nat.Filtering filtering,
            long mappingTimeoutNanos, LinkSpec up, LinkSpec down) {
        Network outside = network(outsideNetwork);
        Nat nat = new Nat(name, events, trace, publicAddress, filtering, mappingTimeoutNanos, network(insideNetwork),
                40000 + (int) entropy("nat:" + name).nextLong(20000));
        Link uplink = new Link(name + "->" + outsideNetwork, up, events, entropy("link:" + name + ":up"), trace, outside);
        Link downlink = new Link(outsideNetwork + "->" + name, down, events, entropy("link:" + name + ":down"), trace, nat);
        outside.attach(publicAddress, downlink);
        nat.setOutsideUplink(uplink);
        nats.put(name, nat);
        return nat;
    }

    /**
     * Adds an attacker on {@code network} at {@code endpoint}, with links {@code up} and {@code down}
     * like a host's; its randomness is split from the seed as "attacker:NAME".
     */
    public Attacker addAttacker(String name, String network, Endpoint endpoint, LinkSpec up, LinkSpec down) {
        if (hosts.containsKey(name) || attackers.containsKey(name)) {
            throw new IllegalArgumentException("a host or attacker is already named '" + name + "'");
        }
        Attacker attacker = new Attacker(name, events, trace, entropy("attacker:" + name), endpoint);
        Network net = network(network);
        Link uplink = new Link(name + "->" + network, up, events, entropy("link:" + name + ":up"), trace, net);
        Link downlink = new Link(network + "->" + name, down, events, entropy("link:" + name + ":down"), trace, attacker);
        net.attach(endpoint.address(), downlink);
        attacker.attach(uplink);
        attackers.put(name, attacker);
        return attacker;
    }

    public Attacker attacker(String name) {
        Attacker a = attackers.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no attacker named '" + name + "'");
        }
        return a;
    }

    /**
     * Reboots a host: a fresh Device of {@code profile} (no keys, peers, sessions or timers; the
     * caller configures it again), its randomness split anew so the reboot does not replay the old
     * ephemeral keys and indices. Tunnel programs and links stay.
     */
    public Host reboot(String name, Profile profile) {
        Host host = host(name);
        int boot = reboots.merge(name, 1, Integer::sum);
        host.replaceDevice(new Device(profile, Crypto.fastest(), entropy("host:" + name + ":boot:" + boot)));
        return host;
    }

    /** Starts every host's timers, then runs the event queue until {@code untilNanos}. */
    public void runUntil(long untilNanos) {
        for (Host h : hosts.values()) {
            h.reschedule();
        }
        events.runUntil(untilNanos);
    }
}
