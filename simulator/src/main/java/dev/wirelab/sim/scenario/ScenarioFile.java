package dev.wirelab.sim.scenario;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.device.TraceEvent;
import dev.wirelab.sim.LinkSpec;
import dev.wirelab.sim.Nat;
import dev.wirelab.sim.Ratio;
import dev.wirelab.sim.Simulation;
import dev.wirelab.sim.UdpFlow;
import dev.wirelab.sim.scenario.Scenario.Action;
import dev.wirelab.sim.scenario.Scenario.AttackerSpec;
import dev.wirelab.sim.scenario.Scenario.HostSpec;
import dev.wirelab.sim.scenario.Scenario.LinkPatch;
import dev.wirelab.sim.scenario.Scenario.NatSpec;
import dev.wirelab.sim.scenario.Scenario.PeerSpec;
import dev.wirelab.sim.scenario.Scenario.TimelineEvent;
import dev.wirelab.sim.scenario.Scenario.Traffic;
import dev.wirelab.sim.scenario.YamlTree.ListNode;
import dev.wirelab.sim.scenario.YamlTree.MapNode;
import dev.wirelab.sim.scenario.YamlTree.Node;
import dev.wirelab.sim.scenario.YamlTree.Scalar;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a scenario file (the format is documented in simulator/scenarios/README.md) into a
 * {@link Scenario}. Everything is checked here, before a run starts: unknown keys, values in the
 * wrong unit or out of range, references to hosts, networks and NATs that do not exist, checks
 * that could never match (an unknown trace kind or drop reason). Each problem is one
 * {@link ScenarioError} naming file, line, column and field path, saying what to write instead.
 */
public final class ScenarioFile {
    /** The longest run a scenario may ask for: a day of virtual time. */
    public static final long DURATION_MAX_NANOS = 24 * 3_600_000_000_000L;
    /** The most hosts a scenario may have, groups expanded. */
    public static final int HOSTS_MAX = 20_000;
    /** The most echo requests one ping entry may send (per sender). */
    public static final int PINGS_MAX = 1_000_000;

    /** Trace kinds an expectation may count; a typo would otherwise make "max: 0" pass vacuously. */
    public static final Set<String> TRACE_KINDS = Set.of(
            "config.host", "config.peer", "timeline",
            "udp.send", "udp.recv", "tunnel.deliver",
            "wg.drop", "wg.handshake-step", "wg.initiation-sent", "wg.ephemeral", "wg.response-sent", "wg.cookie-sent",
            "wg.cookie-received", "wg.session", "wg.confirmed", "wg.data-sent", "wg.data-received", "wg.endpoint",
            "wg.timer", "wg.gave-up", "wg.keys-zeroed", "wg.route",
            "link.lost", "link.duplicate", "link.reorder",
            "nat.map", "nat.drop", "nat.rebind", "nat.expire", "net.unreachable",
            "host.move", "host.reboot", "host.down", "host.up", "host.lost", "host.closed-port",
            "host.under-load", "host.load-normal",
            "ping.request", "ping.reply", "ping.duplicate",
            "flow.send", "flow.recv", "flow.response", "flow.duplicate",
            "attack.recv", "attack.replay", "attack.replay-missed", "attack.flood", "attack.bitflip", "attack.garbage", "attack.scan");

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");
    private static final Set<String> FILTERING = Set.of("endpoint-independent", "address-dependent", "address-and-port-dependent");
    private static final Set<String> PROFILES = Set.of("reference", "kernel", "wireguard-go", "boringtun");
    private static final String ENDPOINT_HINT = "write 192.0.2.1:51820 or [2001:db8::1]:51820";

    private final String file;
    private long durationNanos;
    private Profile defaultProfile;
    private final Set<String> networks = new LinkedHashSet<>();
    private final Map<String, HostSpec> hosts = new LinkedHashMap<>();
    private final Map<String, Node> hostNodes = new LinkedHashMap<>();
    private final Map<String, NatSpec> nats = new LinkedHashMap<>();
    private final Map<String, AttackerSpec> attackers = new LinkedHashMap<>();
    private final Map<String, Node> attackerNodes = new LinkedHashMap<>();

    private ScenarioFile(String file) {
        this.file = file;
    }

    /** Reads the scenario at {@code path}; messages name the file as {@code path} is written. */
    public static Scenario read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioError(path.toString(), 0, 0, "", "cannot read the file: " + e);
        }
        return parse(path.toString(), text);
    }

    /** Reads scenario {@code text}; {@code file} is the name messages use. */
    public static Scenario parse(String file, String text) {
        return new ScenarioFile(file).scenario(YamlTree.parse(file, text));
    }

    // ---------------------------------------------------------------- top level

    private Scenario scenario(Node root) {
        Fields f = new Fields(file, root, "a scenario",
                "name", "description", "seed", "duration", "profile", "networks", "hosts", "nats", "attackers", "traffic",
                "timeline", "expect");
        String name = f.requiredValue("name", ScenarioFile::name);
        String description = f.text("description", "");
        long seed = f.value("seed", 1L, Fields.integer(Long.MIN_VALUE, Long.MAX_VALUE));
        durationNanos = f.requiredValue("duration", t -> {
            long d = Units.durationNanos(t, false);
            if (d <= 0 || d > DURATION_MAX_NANOS) {
                throw new IllegalArgumentException("a duration from 1ns to 24h, got '" + t + "'");
            }
            return d;
        });
        defaultProfile = f.value("profile", Profile.REFERENCE, ScenarioFile::profile);

        for (Node n : f.list("networks")) {
            String net = Fields.convert(file, n, ScenarioFile::name);
            if (!networks.add(net)) {
                throw Fields.error(file, n, "network '" + net + "' is listed twice");
            }
        }
        boolean declaredNetworks = !networks.isEmpty();
        if (!declaredNetworks) {
            networks.add("internet");
        }
        for (Node n : f.list("nats")) {
            NatSpec nat = nat(n);
            unique(n, nat.name());
            nats.put(nat.name(), nat);
        }
        List<Node> hostList = f.list("hosts");
        if (hostList.isEmpty()) {
            throw f.missing("hosts", "a scenario needs at least one host");
        }
        for (Node n : hostList) {
            hostBasics(n, declaredNetworks);
        }
        // Peers may name any host, so they are read once every host is known.
        for (Map.Entry<String, Node> e : hostNodes.entrySet()) {
            HostSpec h = hosts.get(e.getKey());
            Fields hf = new Fields(file, e.getValue(), "a host", HOST_KEYS);
            List<PeerSpec> peers = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (Node p : hf.list("peers")) {
                for (PeerSpec ps : peer(p, h.name(), false)) {
                    if (!seen.add(ps.label())) {
                        throw Fields.error(file, p, "peer " + ps.label() + " is listed twice for host " + h.name());
                    }
                    peers.add(ps);
                }
            }
            hosts.put(h.name(), new HostSpec(h.name(), h.network(), h.endpoint(), h.addresses(), h.profile(), h.wallStartNanos(),
                    h.driftPartsPerMillion(), h.up(), h.down(), h.privateKey(), h.mtu(), peers));
        }
        if (hosts.size() > HOSTS_MAX) {
            throw f.missing("hosts", "too many hosts: " + hosts.size() + " (at most " + HOSTS_MAX + ")");
        }
        for (Node n : f.list("attackers")) {
            AttackerSpec a = attacker(n, declaredNetworks);
            attackers.put(a.name(), a);
        }
        checkEndpointsDistinct(f);

        List<Traffic> traffic = new ArrayList<>();
        for (Node n : f.list("traffic")) {
            traffic.addAll(traffic(n));
        }
        List<TimelineEvent> timeline = new ArrayList<>();
        for (Node n : f.list("timeline")) {
            timeline.add(timelineEvent(n));
        }
        // Stable: events at the same instant keep the order of the file.
        timeline.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
        List<Expectation> expectations = new ArrayList<>();
        for (Node n : f.list("expect")) {
            expectations.add(expectation(n));
        }
        return new Scenario(file, name, description, seed, durationNanos, List.copyOf(networks), List.copyOf(hosts.values()),
                List.copyOf(nats.values()), List.copyOf(attackers.values()), traffic, timeline, expectations);
    }

    private void unique(Node at, String name) {
        if (hosts.containsKey(name) || nats.containsKey(name) || networks.contains(name) || attackers.containsKey(name)) {
            throw Fields.error(file, at, "the name '" + name + "' is already used by a host, NAT, attacker or network");
        }
    }

    private void checkEndpointsDistinct(Fields f) {
        Map<String, String> taken = new LinkedHashMap<>();
        for (HostSpec h : hosts.values()) {
            String where = h.network() + " " + h.endpoint().address();
            String other = taken.putIfAbsent(where, h.name());
            if (other != null) {
                throw Fields.error(file, hostNodes.get(h.name()), "host " + h.name() + " has the same address on " + h.network()
                        + " as host " + other + " (" + addressText(h.endpoint().address()) + "): give each host its own address");
            }
        }
        for (AttackerSpec a : attackers.values()) {
            String other = taken.putIfAbsent(a.network() + " " + a.endpoint().address(), a.name());
            if (other != null) {
                throw Fields.error(file, attackerNodes.get(a.name()), "attacker " + a.name() + " has the same address on " + a.network()
                        + " as " + other + " (" + addressText(a.endpoint().address()) + "): give it its own address (it may still spoof any source)");
            }
        }
        for (NatSpec n : nats.values()) {
            String where = n.outside() + " " + n.publicAddress();
            if (taken.containsKey(where)) {
                throw f.missing("nats", "NAT " + n.name() + "'s public address is host " + taken.get(where) + "'s address");
            }
        }
    }

    // ---------------------------------------------------------------- hosts

    private static final String[] HOST_KEYS = {
        "name", "count", "network", "endpoint", "address", "profile", "clock", "links", "interface", "peers"};

    /** The `network` field, or the only network when there is just one; {@code what} names the thing placed. */
    private String networkOf(Fields f, boolean declaredNetworks, String what) {
        if (f.has("network")) {
            return f.requiredValue("network", this::network);
        }
        if (!declaredNetworks || networks.size() == 1) {
            return networks.iterator().next();
        }
        throw f.missing("network", "missing: this scenario declares networks " + networks + ", say which one the " + what + " is on");
    }

    private void hostBasics(Node n, boolean declaredNetworks) {
        Fields f = new Fields(file, n, "a host", HOST_KEYS);
        String name = f.requiredValue("name", ScenarioFile::name);
        int count = f.value("count", 1L, Fields.integer(1, HOSTS_MAX)).intValue();
        String network = networkOf(f, declaredNetworks, "host");
        Endpoint endpoint = f.requiredValue("endpoint", ScenarioFile::endpoint);
        List<Bytes> addresses = new ArrayList<>();
        for (Node a : f.list("address")) {
            addresses.add(Fields.convert(file, a, ScenarioFile::address));
        }
        Profile profile = f.value("profile", defaultProfile, ScenarioFile::profile);
        long wallStart = Simulation.DEFAULT_START_WALL_NANOS;
        long drift = 0;
        if (f.has("clock")) {
            Fields c = new Fields(file, f.get("clock"), "a wall clock", "start", "offset", "drift_ppm");
            wallStart = c.value("start", wallStart, Units::instantNanos);
            long offset = c.value("offset", 0L, t -> Units.durationNanos(t, true));
            wallStart = Math.addExact(wallStart, offset);
            drift = c.value("drift_ppm", 0L, Fields.integer(-1_000_000, 1_000_000));
        }
        LinkSpec up = LinkSpec.ideal(0);
        LinkSpec down = LinkSpec.ideal(0);
        if (f.has("links")) {
            LinkSpec[] both = links(f.get("links"));
            up = both[0];
            down = both[1];
        }
        PrivateKey privateKey = null;
        int mtu = 1420;
        if (f.has("interface")) {
            Fields i = new Fields(file, f.get("interface"), "an [Interface] section", "PrivateKey", "MTU");
            if (count > 1 && i.has("PrivateKey")) {
                throw i.error(i.get("PrivateKey"), "a group of " + count + " hosts cannot share one PrivateKey: leave it out to generate one per host");
            }
            privateKey = i.value("PrivateKey", null, ScenarioFile::privateKey);
            mtu = i.value("MTU", 1420L, Fields.integer(576, 65535)).intValue();
        }
        for (int k = 0; k < count; k++) {
            String hostName = count == 1 ? name : name + (k + 1);
            unique(n, hostName);
            List<Bytes> shifted = new ArrayList<>();
            for (Bytes a : addresses) {
                shifted.add(add(f, "address", a, k));
            }
            Endpoint e = new Endpoint(add(f, "endpoint", endpoint.address(), k), endpoint.port());
            hosts.put(hostName, new HostSpec(hostName, network, e, shifted, profile, wallStart, drift, up, down, privateKey, mtu, List.of()));
            hostNodes.put(hostName, n);
        }
    }

    /** {@code address} + {@code k}, as a number: the k-th member of a host group. */
    private Bytes add(Fields f, String key, Bytes address, int k) {
        byte[] b = address.toByteArray();
        int carry = k;
        for (int i = b.length - 1; i >= 0 && carry != 0; i--) {
            int v = (b[i] & 0xff) + (carry & 0xff);
            carry = (carry >>> 8) + (v >>> 8);
            b[i] = (byte) v;
        }
        if (carry != 0) {
            throw f.error(f.get(key), "the group runs past the last address");
        }
        return Bytes.wrap(b);
    }

    /** {up, down} from a host's {@code links} map (both, up, down). */
    private LinkSpec[] links(Node n) {
        Fields f = new Fields(file, n, "the host's links", "up", "down", "both");
        LinkSpec both = f.has("both") ? link(f.get("both")) : LinkSpec.ideal(0);
        if (f.has("both") && f.has("up") && f.has("down")) {
            throw f.error(f.get("both"), "'both' is overridden by 'up' and 'down' alike: remove one");
        }
        return new LinkSpec[] {f.has("up") ? link(f.get("up")) : both, f.has("down") ? link(f.get("down")) : both};
    }

    private static final String[] LINK_KEYS = {
        "delay", "jitter", "loss", "burst", "duplicate", "reorder", "rate", "queue", "mtu", "partitions"};
    private static final String[] LINK_CHANGE_KEYS = {
        "host", "direction", "delay", "jitter", "loss", "burst", "duplicate", "reorder", "rate", "queue", "mtu", "partition"};

    private LinkSpec link(Node n) {
        Fields f = new Fields(file, n, "a link", LINK_KEYS);
        LinkPatch patch = linkPatch(f, false);
        List<LinkSpec.Partition> partitions = new ArrayList<>();
        for (Node p : f.list("partitions")) {
            Fields pf = new Fields(file, p, "a partition", "from", "to");
            long from = pf.requiredValue("from", t -> Units.durationNanos(t, false));
            long to = pf.requiredValue("to", t -> Units.durationNanos(t, false));
            if (to <= from) {
                throw pf.error(pf.get("to"), "a partition ends after it starts");
            }
            partitions.add(new LinkSpec.Partition(from, to));
        }
        LinkSpec base = new LinkSpec(0, 0, Ratio.NEVER, null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0, partitions);
        return patch.applyTo(base, 0);
    }

    /** The link fields present in {@code f}; {@code timeline} allows "partition: 30s" and "burst: none". */
    private LinkPatch linkPatch(Fields f, boolean timeline) {
        Long delay = f.value("delay", null, t -> Units.durationNanos(t, false));
        Long jitter = f.value("jitter", null, t -> Units.durationNanos(t, false));
        Ratio loss = f.value("loss", null, Ratio::parse);
        LinkSpec.GilbertElliott burst = null;
        boolean clearBurst = false;
        if (f.has("burst")) {
            Node b = f.get("burst");
            if (timeline && b instanceof Scalar s && s.text().equals("none")) {
                clearBurst = true;
            } else {
                Fields bf = new Fields(file, b, "Gilbert-Elliott burst loss" + (timeline ? " (or none)" : ""),
                        "good_to_bad", "bad_to_good", "loss_good", "loss_bad");
                burst = new LinkSpec.GilbertElliott(bf.requiredValue("good_to_bad", Ratio::parse), bf.requiredValue("bad_to_good", Ratio::parse),
                        bf.value("loss_good", Ratio.NEVER, Ratio::parse), bf.value("loss_bad", Ratio.ALWAYS, Ratio::parse));
            }
        }
        Ratio duplicate = f.value("duplicate", null, Ratio::parse);
        Ratio reorder = null;
        Long reorderDelay = null;
        if (f.has("reorder")) {
            Fields rf = new Fields(file, f.get("reorder"), "reordering", "probability", "delay");
            reorder = rf.requiredValue("probability", Ratio::parse);
            reorderDelay = rf.requiredValue("delay", t -> Units.durationNanos(t, false));
        }
        Long rate = f.value("rate", null, Units::bitsPerSecond);
        Long queue = f.value("queue", null, Units::bytes);
        if (queue != null && rate == null && !timeline) {
            throw f.error(f.get("queue"), "a queue only fills behind a rate: give the link a rate too");
        }
        Integer mtu = f.value("mtu", null, t -> Fields.integer(0, 65535).apply(t).intValue());
        Long partition = timeline ? f.value("partition", null, t -> {
            long d = Units.durationNanos(t, false);
            if (d <= 0) {
                throw new IllegalArgumentException("a partition lasts longer than 0s");
            }
            return d;
        }) : null;
        return new LinkPatch(delay, jitter, loss, burst, clearBurst, duplicate, reorder, reorderDelay, rate, queue, mtu, partition);
    }

    // ---------------------------------------------------------------- peers

    private static final String[] PEER_KEYS = {
        "PublicKey", "Endpoint", "AllowedIPs", "PersistentKeepalive", "PresharedKey", "psk"};
    private static final String[] PEER_CHANGE_KEYS = {
        "PublicKey", "Endpoint", "AllowedIPs", "PersistentKeepalive", "PresharedKey", "psk", "remove"};

    /** A [Peer] section of {@code self}; a group pattern ("spoke*") gives one per member. */
    private List<PeerSpec> peer(Node n, String self, boolean timeline) {
        Fields f = new Fields(file, n, timeline ? "a peer change" : "a [Peer] section", timeline ? PEER_CHANGE_KEYS : PEER_KEYS);
        Node keyNode = f.required("PublicKey");
        String ref = Fields.scalar(file, keyNode);
        List<String> members = new ArrayList<>();
        PublicKey literal = null;
        if (ref.endsWith("*")) {
            String prefix = ref.substring(0, ref.length() - 1);
            for (String h : hosts.keySet()) {
                if (h.startsWith(prefix) && !h.equals(self)) {
                    members.add(h);
                }
            }
            if (members.isEmpty()) {
                throw f.error(keyNode, "no host matches '" + ref + "'");
            }
        } else if (hosts.containsKey(ref)) {
            if (ref.equals(self)) {
                throw f.error(keyNode, "a host cannot be its own peer");
            }
            members.add(ref);
        } else if (ref.length() == 44 && ref.endsWith("=")) {
            literal = Fields.convert(file, keyNode, PublicKey::fromBase64);
        } else {
            String near = Fields.nearest(ref, hosts.keySet());
            throw f.error(keyNode, "no host named '" + ref + "', and not a base64 public key"
                    + (near == null ? "" : " (did you mean '" + near + "'?)") + "; hosts: " + abbreviate(hosts.keySet()));
        }
        boolean group = members.size() > 1 || ref.endsWith("*");
        String endpointHost = null;
        Endpoint endpoint = null;
        if (f.has("Endpoint")) {
            Node en = f.get("Endpoint");
            if (group) {
                throw f.error(en, "a group of peers cannot share one Endpoint: leave it out (they are learnt when they connect)");
            }
            String text = Fields.scalar(file, en);
            if (hosts.containsKey(text)) {
                endpointHost = text;
            } else {
                endpoint = Fields.convert(file, en, ScenarioFile::endpoint);
            }
        }
        List<Prefix> allowed = null;
        if (f.has("AllowedIPs")) {
            if (group) {
                throw f.error(f.get("AllowedIPs"), "a group of peers takes each member's own addresses: leave AllowedIPs out");
            }
            allowed = new ArrayList<>();
            for (Node a : f.list("AllowedIPs")) {
                for (String part : Fields.scalar(file, a).split(",")) {
                    if (!part.isBlank()) {
                        allowed.add(Fields.convert(file, a, t -> Prefix.parse(part.strip())));
                    }
                }
            }
        } else if (literal != null) {
            allowed = List.of();
        }
        Integer keepalive = f.value("PersistentKeepalive", null, t -> t.strip().equals("off") ? 0 : Fields.integer(0, 65535).apply(t).intValue());
        SymmetricKey psk = f.value("PresharedKey", null, ScenarioFile::presharedKey);
        boolean generatedPsk = f.value("psk", false, Fields.bool());
        if (psk != null && generatedPsk) {
            throw f.error(f.get("psk"), "give either PresharedKey or psk: true, not both");
        }
        if (generatedPsk && literal != null) {
            throw f.error(f.get("psk"), "psk: true shares a generated key between two scenario hosts; this peer is a literal key");
        }
        boolean remove = timeline && f.value("remove", false, Fields.bool());
        List<PeerSpec> out = new ArrayList<>();
        if (literal != null) {
            out.add(new PeerSpec(null, literal, null, endpoint, allowed, keepalive, psk, false, remove));
        }
        for (String m : members) {
            out.add(new PeerSpec(m, null, endpointHost, endpoint, allowed, keepalive, psk, generatedPsk, remove));
        }
        return out;
    }

    // ---------------------------------------------------------------- attackers

    private AttackerSpec attacker(Node n, boolean declaredNetworks) {
        Fields f = new Fields(file, n, "an attacker", "name", "network", "endpoint", "links");
        String name = f.requiredValue("name", ScenarioFile::name);
        unique(f.get("name"), name);
        String network = networkOf(f, declaredNetworks, "attacker");
        Endpoint endpoint = f.requiredValue("endpoint", ScenarioFile::endpoint);
        LinkSpec[] links = f.has("links") ? links(f.get("links")) : new LinkSpec[] {LinkSpec.ideal(0), LinkSpec.ideal(0)};
        attackerNodes.put(name, n);
        return new AttackerSpec(name, network, endpoint, links[0], links[1]);
    }

    private String attackerName(Node n) {
        String ref = Fields.scalar(file, n);
        if (!attackers.containsKey(ref)) {
            String near = Fields.nearest(ref, attackers.keySet());
            throw Fields.error(file, n, "no attacker named '" + ref + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; attackers: " + (attackers.isEmpty() ? "none (declare them under attackers:)" : abbreviate(attackers.keySet())));
        }
        return ref;
    }

    private static final Map<String, Integer> MESSAGE_TYPES = new LinkedHashMap<>();
    static {
        MESSAGE_TYPES.put("initiation", 1);
        MESSAGE_TYPES.put("response", 2);
        MESSAGE_TYPES.put("cookie", 3);
        MESSAGE_TYPES.put("transport", 4);
    }

    /** "initiation", "response", "cookie", "transport", or 1..4. */
    static int messageType(String text) {
        String t = text.strip();
        Integer type = MESSAGE_TYPES.get(t);
        if (type == null && t.matches("[1-4]")) {
            type = Integer.parseInt(t);
        }
        if (type == null) {
            String near = Fields.nearest(t, MESSAGE_TYPES.keySet());
            throw new IllegalArgumentException("not a message type: '" + text + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; write initiation, response, cookie, transport or 1..4");
        }
        return type;
    }

    /** The attack actions of the timeline. */
    private Action attack(String action, Node a) {
        return switch (action) {
            case "replay" -> {
                Fields f = new Fields(file, a, "a replay", "attacker", "host", "direction", "type", "index", "random", "all", "source");
                String attacker = attackerName(f.required("attacker"));
                String host = hostName(f.required("host"));
                String direction = f.value("direction", "up", Fields.oneOf(Set.of("up", "down")));
                int type = f.value("type", 0, ScenarioFile::messageType);
                Integer random = f.value("random", null, t -> Fields.integer(1, 100_000).apply(t).intValue());
                boolean all = f.value("all", false, Fields.bool());
                List<String> modes = new ArrayList<>();
                if (f.has("index")) {
                    modes.add("index");
                }
                if (random != null) {
                    modes.add("random");
                }
                if (all) {
                    modes.add("all");
                }
                if (modes.size() > 1) {
                    throw f.error(f.get(modes.get(1)), "a replay picks by index (with type), random: N or all: true; this one has " + modes);
                }
                if (random != null && type != 0) {
                    throw f.error(f.get("type"), "random: N draws from every recorded datagram, whatever its type: leave type out");
                }
                Integer index = null;
                if (modes.isEmpty() || modes.contains("index")) {
                    if (type == 0) {
                        throw f.missing("type", "missing: say which datagram to replay (type: initiation with index: N), or random: N, or all: true");
                    }
                    index = f.value("index", 0L, Fields.integer(0, 100_000)).intValue();
                }
                boolean spoofed = f.value("source", "own", Fields.oneOf(Set.of("own", "spoofed"))).equals("spoofed");
                yield new Action.Replay(attacker, host, direction.equals("up"), type, index, random, all, spoofed);
            }
            case "flood" -> {
                Fields f = new Fields(file, a, "a handshake flood", "attacker", "target", "sources", "rate", "duration");
                String attacker = attackerName(f.required("attacker"));
                String target = hostName(f.required("target"));
                Prefix sources = f.requiredValue("sources", t -> {
                    try {
                        return Prefix.parse(t.strip());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("not a prefix: '" + t + "' (write 198.18.0.0/15 or 2001:db8::/32)");
                    }
                });
                if (sources.isIpv4() != (hosts.get(target).endpoint().address().length() == 4)) {
                    throw f.error(f.get("sources"), "spoofed sources " + sources + " and target " + target + "'s endpoint differ in IP version");
                }
                long rate = f.requiredValue("rate", ScenarioFile::packetsPerSecond);
                long duration = f.requiredValue("duration", t -> Units.durationNanos(t, false));
                if (rate > 1_000_000) {
                    throw f.error(f.get("rate"), "at most 1000000/s: every initiation is simulated one by one");
                }
                if (duration > durationNanos) {
                    throw f.error(f.get("duration"), "longer than the scenario (duration " + Units.seconds(durationNanos) + ")");
                }
                yield new Action.Flood(attacker, target, sources, rate, duration);
            }
            case "bitflip" -> {
                Fields f = new Fields(file, a, "bit flips", "attacker", "host", "direction", "probability");
                String attacker = attackerName(f.required("attacker"));
                String host = hostName(f.required("host"));
                String direction = f.value("direction", "both", Fields.oneOf(Set.of("up", "down", "both")));
                Ratio p = f.requiredValue("probability", Ratio::parse);
                yield new Action.BitFlip(attacker, host, !direction.equals("down"), !direction.equals("up"), p);
            }
            case "garbage" -> {
                Fields f = new Fields(file, a, "garbage datagrams", "attacker", "target", "source", "count", "interval", "max_length");
                String attacker = attackerName(f.required("attacker"));
                String target = hostName(f.required("target"));
                Endpoint source = null;
                if (f.has("source")) {
                    String text = f.requiredText("source");
                    source = hosts.containsKey(text) ? hosts.get(text).endpoint() : f.requiredValue("source", ScenarioFile::endpoint);
                }
                int count = f.value("count", 1L, Fields.integer(1, PINGS_MAX)).intValue();
                long interval = f.value("interval", 1_000_000L, t -> Units.durationNanos(t, false));
                int max = f.value("max_length", 200L, Fields.integer(0, 65_507)).intValue();
                yield new Action.Garbage(attacker, target, source, count, interval, max);
            }
            case "port_scan" -> {
                Fields f = new Fields(file, a, "a port scan", "attacker", "target", "ports", "interval", "probe_size");
                String attacker = attackerName(f.required("attacker"));
                String target = hostName(f.required("target"));
                int[] ports = f.requiredValue("ports", t -> {
                    String[] parts = t.strip().split("-", -1);
                    try {
                        int lo = Integer.parseInt(parts[0].strip());
                        int hi = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : lo;
                        if (parts.length > 2 || lo < 1 || hi > 65535 || hi < lo) {
                            throw new NumberFormatException();
                        }
                        return new int[] {lo, hi};
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("not a port range: '" + t + "' (write 51800-51840 or 51820; ports 1..65535)");
                    }
                });
                long interval = f.value("interval", 1_000_000L, t -> Units.durationNanos(t, false));
                int probe = f.value("probe_size", 0L, Fields.integer(0, 65_507)).intValue();
                yield new Action.PortScan(attacker, target, ports[0], ports[1], interval, probe);
            }
            default -> throw new IllegalStateException(action);
        };
    }

    // ---------------------------------------------------------------- NATs

    private NatSpec nat(Node n) {
        Fields f = new Fields(file, n, "a NAT", "name", "inside", "outside", "public", "filtering", "mapping_timeout", "links");
        String name = f.requiredValue("name", ScenarioFile::name);
        String inside = f.requiredValue("inside", this::network);
        String outside = f.requiredValue("outside", this::network);
        if (inside.equals(outside)) {
            throw f.error(f.get("outside"), "a NAT joins two different networks");
        }
        for (NatSpec other : nats.values()) {
            if (other.inside().equals(inside)) {
                throw f.error(f.get("inside"), "network " + inside + " already sits behind NAT " + other.name());
            }
        }
        Bytes publicAddress = f.requiredValue("public", ScenarioFile::address);
        String filtering = f.value("filtering", "address-and-port-dependent", Fields.oneOf(FILTERING));
        long timeout = f.value("mapping_timeout", 30_000_000_000L, t -> {
            long d = Units.durationNanos(t, false);
            if (d <= 0) {
                throw new IllegalArgumentException("a mapping lives longer than 0s");
            }
            return d;
        });
        LinkSpec[] links = f.has("links") ? links(f.get("links")) : new LinkSpec[] {LinkSpec.ideal(0), LinkSpec.ideal(0)};
        Nat.Filtering mode = switch (filtering) {
            case "endpoint-independent" -> Nat.Filtering.ENDPOINT_INDEPENDENT;
            case "address-dependent" -> Nat.Filtering.ADDRESS_DEPENDENT;
            default -> Nat.Filtering.ADDRESS_AND_PORT_DEPENDENT;
        };
        return new NatSpec(name, inside, outside, publicAddress, mode, timeout, links[0], links[1]);
    }

    // ---------------------------------------------------------------- traffic

    private static final List<String> TRAFFIC_KINDS = List.of("ping", "udp_flow", "request_response");

    private List<Traffic> traffic(Node n) {
        Fields kind = new Fields(file, n, "a traffic entry (ping, udp_flow or request_response: {...})", TRAFFIC_KINDS.toArray(String[]::new));
        List<String> given = TRAFFIC_KINDS.stream().filter(kind::has).toList();
        if (given.size() != 1) {
            String problem = "a traffic entry is exactly one of " + String.join(", ", TRAFFIC_KINDS) + ", this one has "
                    + (given.isEmpty() ? "none" : given);
            throw given.isEmpty() ? Fields.error(file, n, problem) : kind.error(kind.get(given.get(1)), problem);
        }
        String what = given.get(0);
        Fields f = switch (what) {
            case "ping" -> new Fields(file, kind.get(what), "a ping", "from", "to", "source", "start", "interval", "count", "size", "spread");
            case "udp_flow" -> new Fields(file, kind.get(what), "a UDP flow", "from", "to", "source", "port", "start", "interval", "rate",
                    "count", "size", "spread");
            default -> new Fields(file, kind.get(what), "a request/response flow", "from", "to", "source", "port", "start", "interval",
                    "rate", "count", "size", "response_size", "spread");
        };
        Node fromNode = f.required("from");
        List<String> senders = hostPattern(fromNode);
        Node toNode = f.required("to");
        String to = Fields.scalar(file, toNode);
        long start = f.value("start", 0L, t -> Units.durationNanos(t, false));
        long interval = f.value("interval", 1_000_000_000L, t -> Units.durationNanos(t, false));
        if (!what.equals("ping") && f.has("rate")) {
            if (f.has("interval")) {
                throw f.error(f.get("rate"), "give rate or interval, not both");
            }
            long rate = f.requiredValue("rate", ScenarioFile::packetsPerSecond);
            interval = 1_000_000_000L / rate;
        }
        int count = f.value("count", 1L, Fields.integer(1, PINGS_MAX)).intValue();
        int size = what.equals("ping") ? f.value("size", 56L, Fields.integer(0, 65_000)).intValue()
                : f.value("size", 100L, Fields.integer(UdpFlow.HEADER, 65_000)).intValue();
        Integer responseSize = what.equals("request_response")
                ? f.value("response_size", 100L, Fields.integer(UdpFlow.HEADER, 65_000)).intValue() : null;
        int port = what.equals("ping") ? 0 : f.value("port", 5001L, Fields.integer(1, 65535)).intValue();
        long spread = f.value("spread", 0L, t -> Units.durationNanos(t, false));
        if (count > 1 && interval <= 0) {
            throw f.error(f.get(!what.equals("ping") && f.has("rate") ? "rate" : "interval"), "several packets need an interval above 0s");
        }
        if (start > durationNanos) {
            throw f.error(f.get("start"), "starts after the scenario ends (duration " + Units.seconds(durationNanos) + ")");
        }
        Bytes explicitSource = f.value("source", null, ScenarioFile::address);
        List<Traffic> out = new ArrayList<>();
        for (int k = 0; k < senders.size(); k++) {
            String from = senders.get(k);
            Bytes destination;
            if (hosts.containsKey(to)) {
                if (to.equals(from)) {
                    throw f.error(toNode, "a host does not send to itself through the tunnel");
                }
                int family = explicitSource != null ? explicitSource.length() : hosts.get(from).addresses().isEmpty() ? 4
                        : hosts.get(from).addresses().get(0).length();
                destination = hosts.get(to).addresses().stream().filter(a -> a.length() == family).findFirst()
                        .orElseThrow(() -> f.error(toNode, "host " + to + " has no IPv" + (family == 4 ? 4 : 6) + " tunnel address (give it an address)"));
            } else if (to.contains(".") || to.contains(":")) {
                destination = Fields.convert(file, toNode, ScenarioFile::address);
            } else {
                String near = Fields.nearest(to, hosts.keySet());
                throw f.error(toNode, "no host named '" + to + "' and not an address" + (near == null ? "" : " (did you mean '" + near + "'?)"));
            }
            Bytes source = explicitSource;
            if (source == null) {
                source = hosts.get(from).addresses().stream().filter(a -> a.length() == destination.length()).findFirst()
                        .orElseThrow(() -> f.error(fromNode, "host " + from + " has no IPv" + (destination.length() == 4 ? 4 : 6)
                                + " tunnel address to send from (give it an address, or a source)"));
            } else if (source.length() != destination.length()) {
                throw f.error(f.get("source"), "source and destination are of different IP versions");
            }
            long offset = senders.size() > 1 ? spread * k / senders.size() : 0;
            out.add(what.equals("ping") ? new Traffic.Ping(from, source, destination, start + offset, interval, count, size)
                    : new Traffic.Flow(from, source, destination, port, start + offset, interval, count, size, responseSize));
        }
        return out;
    }

    /** "100/s" or "100": packets per second, 1 to 10^9. */
    static long packetsPerSecond(String text) {
        String t = text.strip();
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2).strip();
        }
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a rate: '" + text + "' (write 100/s: packets per second)");
        }
        if (v < 1 || v > 1_000_000_000L) {
            throw new IllegalArgumentException("a rate from 1/s to 1000000000/s, got '" + text + "'");
        }
        return v;
    }

    /** Hosts named by {@code n}: a host, or a group pattern "spoke*". */
    private List<String> hostPattern(Node n) {
        String ref = Fields.scalar(file, n);
        if (ref.endsWith("*")) {
            String prefix = ref.substring(0, ref.length() - 1);
            List<String> out = hosts.keySet().stream().filter(h -> h.startsWith(prefix)).toList();
            if (out.isEmpty()) {
                throw Fields.error(file, n, "no host matches '" + ref + "'");
            }
            return out;
        }
        return List.of(hostName(n));
    }

    private String hostName(Node n) {
        String ref = Fields.scalar(file, n);
        if (!hosts.containsKey(ref)) {
            String near = Fields.nearest(ref, hosts.keySet());
            throw Fields.error(file, n, "no host named '" + ref + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; hosts: " + abbreviate(hosts.keySet()));
        }
        return ref;
    }

    // ---------------------------------------------------------------- timeline

    private static final List<String> ACTIONS = List.of(
            "link", "move", "reboot", "rebind", "backlog", "power_off", "power_on", "clock", "configure",
            "replay", "flood", "bitflip", "garbage", "port_scan");

    private TimelineEvent timelineEvent(Node n) {
        List<String> keys = new ArrayList<>(ACTIONS);
        keys.add(0, "at");
        Fields f = new Fields(file, n, "a timeline event (at: and one action)", keys.toArray(String[]::new));
        long at = f.requiredValue("at", t -> Units.durationNanos(t, false));
        if (at > durationNanos) {
            throw f.error(f.get("at"), "after the scenario ends (duration " + Units.seconds(durationNanos) + ")");
        }
        List<String> given = ACTIONS.stream().filter(f::has).toList();
        if (given.size() != 1) {
            String problem = "a timeline event has exactly one action (" + String.join(", ", ACTIONS) + "), this one has "
                    + (given.isEmpty() ? "none" : given);
            throw given.isEmpty() ? Fields.error(file, n, problem) : f.error(f.get(given.get(1)), problem);
        }
        String action = given.get(0);
        Node a = f.get(action);
        Action parsed = switch (action) {
            case "link" -> {
                Fields lf = new Fields(file, a, "a link change", LINK_CHANGE_KEYS);
                String host = hostName(lf.required("host"));
                String direction = lf.value("direction", "both", Fields.oneOf(Set.of("up", "down", "both")));
                if (Arrays.stream(LINK_CHANGE_KEYS).skip(2).noneMatch(lf::has)) {
                    throw Fields.error(file, a, "a link change names at least one link field to change: "
                            + String.join(", ", Arrays.asList(LINK_CHANGE_KEYS).subList(2, LINK_CHANGE_KEYS.length)));
                }
                yield new Action.LinkChange(host, !direction.equals("down"), !direction.equals("up"), linkPatch(lf, true));
            }
            case "move" -> {
                Fields mf = new Fields(file, a, "a move", "host", "endpoint", "network");
                String host = hostName(mf.required("host"));
                String network = mf.has("network") ? mf.requiredValue("network", this::network) : hosts.get(host).network();
                yield new Action.Move(host, network, mf.requiredValue("endpoint", ScenarioFile::endpoint));
            }
            case "reboot" -> {
                Fields rf = new Fields(file, a, "a reboot", "host", "wall", "profile");
                yield new Action.Reboot(hostName(rf.required("host")), rf.value("wall", null, Units::instantNanos),
                        rf.value("profile", null, ScenarioFile::profile));
            }
            case "rebind" -> {
                Fields rf = new Fields(file, a, "a NAT rebind", "nat");
                Node natNode = rf.required("nat");
                String nat = Fields.scalar(file, natNode);
                if (!nats.containsKey(nat)) {
                    throw rf.error(natNode, "no NAT named '" + nat + "'; NATs: " + (nats.isEmpty() ? "none" : String.join(", ", nats.keySet())));
                }
                yield new Action.Rebind(nat);
            }
            case "backlog" -> {
                Fields bf = new Fields(file, a, "a handshake backlog", "host", "queued");
                yield new Action.Backlog(hostName(bf.required("host")), bf.requiredValue("queued", Fields.integer(0, 1 << 20)).intValue());
            }
            case "power_off", "power_on" -> {
                Fields pf = new Fields(file, a, "a power change", "host");
                yield new Action.Power(hostName(pf.required("host")), action.equals("power_off"));
            }
            case "clock" -> {
                Fields cf = new Fields(file, a, "a wall clock change", "host", "set", "step", "drift_ppm");
                String host = hostName(cf.required("host"));
                Long set = cf.value("set", null, Units::instantNanos);
                Long step = cf.value("step", null, t -> Units.durationNanos(t, true));
                Long drift = cf.value("drift_ppm", null, Fields.integer(-1_000_000, 1_000_000));
                if (set != null && step != null) {
                    throw cf.error(cf.get("step"), "give set or step, not both");
                }
                if (set == null && step == null && drift == null) {
                    throw cf.missing("set", "a clock change needs set, step or drift_ppm");
                }
                yield new Action.Clock(host, set, step, drift);
            }
            case "configure" -> {
                Fields cf = new Fields(file, a, "a configuration change", "host", "peers");
                String host = hostName(cf.required("host"));
                List<PeerSpec> peers = new ArrayList<>();
                for (Node p : cf.list("peers")) {
                    peers.addAll(peer(p, host, true));
                }
                if (peers.isEmpty()) {
                    throw cf.missing("peers", "a configuration change lists the peers it changes");
                }
                yield new Action.Configure(host, peers);
            }
            default -> attack(action, a);
        };
        return new TimelineEvent(at, parsed);
    }

    // ---------------------------------------------------------------- expectations

    private static final List<String> CHECKS = List.of(
            "handshake_within", "pings_delivered_at_least", "pings_delivered_at_most", "flow_delivered_at_least",
            "flow_delivered_at_most", "no_duplicate_delivery", "endpoint_becomes",
            "endpoint_unchanged", "cookie_does_not_move_endpoint", "no_reply_to_unauthenticated", "initiation_retries", "drops_include", "event_count", "event_spacing");

    private Expectation expectation(Node n) {
        String check;
        Node params;
        if (n instanceof Scalar s) {
            check = s.text();
            params = null;
        } else if (n instanceof MapNode m && m.entries().size() == 1) {
            YamlTree.Entry e = m.entries().values().iterator().next();
            check = e.key();
            params = e.value() instanceof Scalar s && s.isNull() ? null : e.value();
        } else {
            throw Fields.error(file, n, "an expectation is a check name, or a map of one check name to its parameters; checks: "
                    + String.join(", ", CHECKS));
        }
        if (!CHECKS.contains(check)) {
            String near = Fields.nearest(check, CHECKS);
            throw Fields.error(file, n, "unknown check '" + check + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; checks: " + String.join(", ", CHECKS));
        }
        Set<String> parameterless = Set.of("no_duplicate_delivery", "no_reply_to_unauthenticated");
        if (parameterless.contains(check)) {
            if (params != null && !(params instanceof MapNode m && m.entries().isEmpty())) {
                throw Fields.error(file, params, check + " takes no parameters");
            }
            return check.equals("no_duplicate_delivery") ? new Expectation.NoDuplicateDelivery() : new Expectation.NoReplyToUnauthenticated();
        }
        if (params == null) {
            throw Fields.error(file, n, check + " needs parameters");
        }
        return switch (check) {
            case "handshake_within" -> {
                Fields f = new Fields(file, params, check, "host", "peer", "seconds", "after");
                hostPattern(f.required("host"));
                yield new Expectation.HandshakeWithin(f.requiredText("host"), peerName(f.required("peer")),
                        f.requiredValue("seconds", ScenarioFile::secondsNanos), f.value("after", 0L, t -> Units.durationNanos(t, false)));
            }
            case "pings_delivered_at_least", "pings_delivered_at_most", "flow_delivered_at_least", "flow_delivered_at_most" -> {
                Fields f = new Fields(file, params, check, "from", "to", "percent", "between");
                hostPattern(f.required("from"));
                String to = null;
                if (f.has("to")) {
                    to = f.requiredText("to");
                    if (!hosts.containsKey(to)) {
                        Bytes a = f.requiredValue("to", ScenarioFile::address);
                        to = Prefix.of(a, a.length() * 8).toString();
                    }
                }
                String from = f.requiredText("from");
                BigDecimal percent = f.requiredValue("percent", ScenarioFile::percent);
                boolean atLeast = check.endsWith("least");
                yield check.startsWith("pings")
                        ? new Expectation.PingsDelivered(from, to, percent, atLeast, window(f))
                        : new Expectation.FlowDelivered(from, to, percent, atLeast, window(f));
            }
            case "endpoint_becomes" -> {
                Fields f = new Fields(file, params, check, "host", "peer", "endpoint", "after");
                yield new Expectation.EndpointBecomes(hostName(f.required("host")), peerName(f.required("peer")),
                        f.requiredValue("endpoint", ScenarioFile::endpoint).toString(), f.value("after", 0L, t -> Units.durationNanos(t, false)));
            }
            case "endpoint_unchanged" -> {
                Fields f = new Fields(file, params, check, "host", "peer", "between");
                yield new Expectation.EndpointUnchanged(hostName(f.required("host")), peerName(f.required("peer")), window(f));
            }
            case "cookie_does_not_move_endpoint" -> {
                Fields f = new Fields(file, params, check, "host", "peer");
                yield new Expectation.CookieDoesNotMoveEndpoint(hostName(f.required("host")), peerName(f.required("peer")));
            }
            case "initiation_retries" -> {
                Fields f = new Fields(file, params, check, "host", "peer", "interval_min", "interval_max", "at_least");
                long min = f.value("interval_min", dev.wirelab.engine.Protocol.REKEY_TIMEOUT_NANOS, t -> Units.durationNanos(t, false));
                long max = f.value("interval_max", dev.wirelab.engine.Protocol.REKEY_TIMEOUT_NANOS
                        + dev.wirelab.engine.Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS, t -> Units.durationNanos(t, false));
                if (max < min) {
                    throw f.error(f.get("interval_max"), "interval_max is below interval_min");
                }
                hostPattern(f.required("host"));
                yield new Expectation.InitiationRetries(f.requiredText("host"), f.has("peer") ? peerName(f.get("peer")) : null,
                        min, max, f.value("at_least", 1L, Fields.integer(0, Integer.MAX_VALUE)).intValue());
            }
            case "drops_include" -> {
                Fields f = new Fields(file, params, check, "host", "reason", "at_least");
                hostPattern(f.required("host"));
                yield new Expectation.DropsInclude(f.requiredText("host"), f.requiredValue("reason", ScenarioFile::dropReason),
                        f.value("at_least", 1L, Fields.integer(1, Integer.MAX_VALUE)).intValue());
            }
            case "event_count" -> {
                Fields f = new Fields(file, params, check, "kind", "host", "where", "between", "min", "max");
                Long min = f.value("min", null, Fields.integer(0, Long.MAX_VALUE));
                Long max = f.value("max", null, Fields.integer(0, Long.MAX_VALUE));
                if (min == null && max == null) {
                    throw Fields.error(file, params, "needs min, max or both");
                }
                if (min != null && max != null && max < min) {
                    throw f.error(f.get("max"), "max is below min");
                }
                yield new Expectation.EventCount(f.requiredValue("kind", ScenarioFile::kind), at(f), where(f), window(f), min, max);
            }
            case "event_spacing" -> {
                Fields f = new Fields(file, params, check, "kind", "host", "where", "between", "min", "max", "at_least");
                long min = f.requiredValue("min", t -> Units.durationNanos(t, false));
                long max = f.requiredValue("max", t -> Units.durationNanos(t, false));
                if (max < min) {
                    throw f.error(f.get("max"), "max is below min");
                }
                yield new Expectation.EventSpacing(f.requiredValue("kind", ScenarioFile::kind), at(f), where(f), window(f), min, max,
                        f.value("at_least", 1L, Fields.integer(0, Integer.MAX_VALUE)).intValue());
            }
            default -> throw new IllegalStateException(check);
        };
    }

    /** A host pattern, NAT, network or link name ("alice->internet") for event checks, or null. */
    private String at(Fields f) {
        if (!f.has("host")) {
            return null;
        }
        Node n = f.get("host");
        String ref = Fields.scalar(file, n);
        if (ref.endsWith("*")) {
            hostPattern(n);
            return ref;
        }
        Set<String> names = new LinkedHashSet<>(hosts.keySet());
        names.addAll(nats.keySet());
        names.addAll(networks);
        for (HostSpec h : hosts.values()) {
            names.add(h.name() + "->" + h.network());
            names.add(h.network() + "->" + h.name());
        }
        for (NatSpec nat : nats.values()) {
            names.add(nat.name() + "->" + nat.outside());
            names.add(nat.outside() + "->" + nat.name());
        }
        for (AttackerSpec a : attackers.values()) {
            names.add(a.name());
            names.add(a.name() + "->" + a.network());
            names.add(a.network() + "->" + a.name());
        }
        if (!names.contains(ref) && !ref.contains("->")) {
            String near = Fields.nearest(ref, names);
            throw Fields.error(file, n, "no host, NAT, attacker, network or link named '" + ref + "'" + (near == null ? "" : " (did you mean '" + near + "'?)"));
        }
        return ref;
    }

    private Map<String, String> where(Fields f) {
        if (!f.has("where")) {
            return Map.of();
        }
        Node w = f.get("where");
        if (!(w instanceof MapNode m)) {
            throw f.error(w, "expected a map of trace field to value, got " + w.describe());
        }
        Map<String, String> out = new TreeMap<>();
        for (YamlTree.Entry e : m.entries().values()) {
            Node v = e.value();
            String text = Fields.scalar(file, v);
            switch (e.key()) {
                case "reason" -> Fields.convert(file, v, ScenarioFile::dropReason);
                case "timer" -> Fields.convert(file, v, t -> TraceEvent.Timer.valueOf(t));
                case "peer" -> peerName(v);
                default -> { }
            }
            out.put(e.key(), text);
        }
        return out;
    }

    private Expectation.Window window(Fields f) {
        if (!f.has("between")) {
            return Expectation.Window.ALL;
        }
        Node b = f.get("between");
        if (!(b instanceof ListNode l) || l.items().size() != 2) {
            throw f.error(b, "expected [from, to], two durations such as [30s, 1m]");
        }
        long from = Fields.convert(file, l.items().get(0), t -> Units.durationNanos(t, false));
        long to = Fields.convert(file, l.items().get(1), t -> Units.durationNanos(t, false));
        if (to < from) {
            throw f.error(b, "the window ends before it starts");
        }
        return new Expectation.Window(from, to);
    }

    /** A peer in a check: a scenario host, or a literal base64 key. */
    private String peerName(Node n) {
        String ref = Fields.scalar(file, n);
        if (ref.length() == 44 && ref.endsWith("=") && !hosts.containsKey(ref)) {
            return Fields.convert(file, n, PublicKey::fromBase64).base64();
        }
        return hostName(n);
    }

    // ---------------------------------------------------------------- scalars

    static String name(String text) {
        if (!NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("not a name: '" + text + "' (a letter, then letters, digits, - or _; at most 63)");
        }
        return text;
    }

    private String network(String text) {
        if (!networks.contains(text)) {
            String near = Fields.nearest(text, networks);
            throw new IllegalArgumentException("no network named '" + text + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; networks: " + String.join(", ", networks));
        }
        return text;
    }

    static Profile profile(String text) {
        if (!PROFILES.contains(text)) {
            String near = Fields.nearest(text, PROFILES);
            throw new IllegalArgumentException("unknown profile '" + text + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + ": use reference, wireguard-go or boringtun");
        }
        return Profile.named(text);
    }

    /** "192.0.2.1:51820" or "[2001:db8::1]:51820". */
    static Endpoint endpoint(String text) {
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not an endpoint: '" + text + "' (" + ENDPOINT_HINT + ")");
        }
        String host = t.substring(0, colon);
        boolean v6 = host.startsWith("[") && host.endsWith("]");
        if (v6) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("not an endpoint: '" + text + "' (IPv6 in brackets: " + ENDPOINT_HINT + ")");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an endpoint: '" + text + "' (" + ENDPOINT_HINT + ")");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1..65535 in '" + text + "'");
        }
        Bytes address;
        try {
            address = Prefix.parse(host + (v6 ? "/128" : "/32")).address();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an endpoint: '" + text + "' (" + ENDPOINT_HINT + ")");
        }
        if (address.length() == 16 && !v6) {
            throw new IllegalArgumentException("not an endpoint: '" + text + "' (" + ENDPOINT_HINT + ")");
        }
        return new Endpoint(address, port);
    }

    /** "10.0.0.1", "10.0.0.1/24" (the prefix length is ignored: it is the host's own address), "fd00::1". */
    static Bytes address(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String a = slash < 0 ? t : t.substring(0, slash);
        try {
            return Prefix.parse(a + (a.contains(":") ? "/128" : "/32")).address();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address: '" + text + "' (write 10.0.0.1, 10.0.0.1/24 or fd00::1)");
        }
    }

    static PrivateKey privateKey(String text) {
        byte[] b = base64Key(text, "PrivateKey");
        try {
            return PrivateKey.of(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    static SymmetricKey presharedKey(String text) {
        byte[] b = base64Key(text, "PresharedKey");
        try {
            return SymmetricKey.of(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    private static byte[] base64Key(String text, String what) {
        try {
            byte[] b = Base64.getDecoder().decode(text.strip());
            if (b.length == 32) {
                return b;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the message below, which does not echo the secret
        }
        throw new IllegalArgumentException("not a " + what + ": expected 32 bytes in base64 (as `wg genkey` prints), or leave it out to generate one");
    }

    static DropReason dropReason(String text) {
        try {
            return DropReason.valueOf(text.strip());
        } catch (IllegalArgumentException e) {
            List<String> names = Arrays.stream(DropReason.values()).map(Enum::name).toList();
            String near = Fields.nearest(text, names);
            throw new IllegalArgumentException("unknown drop reason '" + text + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; reasons: " + String.join(", ", names));
        }
    }

    static String kind(String text) {
        if (!TRACE_KINDS.contains(text)) {
            String near = Fields.nearest(text, TRACE_KINDS);
            throw new IllegalArgumentException("unknown trace kind '" + text + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; kinds: " + String.join(", ", new java.util.TreeSet<>(TRACE_KINDS)));
        }
        return text;
    }

    /** A number of seconds (decimals allowed) as nanoseconds. */
    static long secondsNanos(String text) {
        try {
            BigDecimal s = new BigDecimal(text.strip());
            if (s.signum() < 0) {
                throw new IllegalArgumentException("a number of seconds at least 0, got '" + text + "'");
            }
            return s.movePointRight(9).setScale(0, java.math.RoundingMode.UNNECESSARY).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a number of seconds: '" + text + "' (write 5 or 0.25)");
        }
    }

    /** 0 to 100, with or without "%". */
    static BigDecimal percent(String text) {
        String t = text.strip();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        try {
            BigDecimal p = new BigDecimal(t);
            if (p.signum() < 0 || p.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new IllegalArgumentException("a percentage from 0 to 100, got '" + text + "'");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a percentage: '" + text + "' (write 95 or 95%)");
        }
    }

    /** "192.0.2.1" or "2001:db8::1". */
    private static String addressText(Bytes address) {
        String p = Prefix.of(address, address.length() * 8).toString();
        return p.substring(0, p.indexOf('/'));
    }

    private static String abbreviate(Set<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 8 ? String.join(", ", l) : String.join(", ", l.subList(0, 8)) + ", ... (" + l.size() + ")";
    }
}
