package dev.wirelab.sim.scenario;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Protocol;
import dev.wirelab.sim.Trace;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A property a scenario expects of its run, checked against the trace afterwards. Each check says
 * what it measured, pass or fail. Hosts and peers are scenario host names; a host may be a group
 * pattern ("spoke*"). Windows are inclusive at both ends.
 */
public sealed interface Expectation {
    /** The check as a reader would write it: name and parameters. */
    String describe();

    Verdict check(Evidence e);

    /** [fromNanos, toNanos] of virtual time. */
    record Window(long fromNanos, long toNanos) {
        static final Window ALL = new Window(0, Long.MAX_VALUE);

        boolean contains(long t) {
            return t >= fromNanos && t <= toNanos;
        }

        @Override
        public String toString() {
            return "[" + Units.seconds(fromNanos) + ", " + (toNanos == Long.MAX_VALUE ? "end" : Units.seconds(toNanos)) + "]";
        }
    }

    /**
     * The first handshake between {@code host} and {@code peer} completing at or after {@code afterNanos}
     * does so within {@code withinNanos}. Complete means: the initiator processed the response
     * ("wg.session" with initiator true) or the responder got its first packet on the new keypair
     * ("wg.confirmed"), whichever happens at {@code host}.
     */
    record HandshakeWithin(String host, String peer, long withinNanos, long afterNanos) implements Expectation {
        @Override
        public String describe() {
            return "handshake_within " + host + "->" + peer + " " + Units.seconds(withinNanos)
                    + (afterNanos > 0 ? " after " + Units.seconds(afterNanos) : "");
        }

        @Override
        public Verdict check(Evidence e) {
            String key = e.key(peer);
            List<String> hosts = e.hosts(host);
            long slowest = -1;
            String slowestHost = null;
            List<String> missing = new ArrayList<>();
            for (String h : hosts) {
                Long done = null;
                for (Trace.Record r : e.at(h)) {
                    if (r.time() >= afterNanos && key.equals(r.string("peer"))
                            && (r.kind().equals("wg.confirmed") || r.kind().equals("wg.session") && Boolean.TRUE.equals(r.get("initiator")))) {
                        done = r.time();
                        break;
                    }
                }
                if (done == null) {
                    missing.add(h);
                } else if (done - afterNanos > slowest) {
                    slowest = done - afterNanos;
                    slowestHost = h;
                }
            }
            if (!missing.isEmpty()) {
                return new Verdict(describe(), false, "no handshake completed " + (afterNanos > 0 ? "after " + Units.seconds(afterNanos) + " " : "")
                        + "at " + abbreviate(missing) + (hosts.size() > 1 ? " (" + missing.size() + " of " + hosts.size() + " hosts)" : ""));
            }
            String measured = hosts.size() == 1
                    ? "completed at " + Units.seconds(afterNanos + slowest) + ", " + Units.seconds(slowest) + " after " + Units.seconds(afterNanos)
                    : "all " + hosts.size() + " completed; slowest " + slowestHost + " after " + Units.seconds(slowest);
            return new Verdict(describe(), slowest <= withinNanos, measured);
        }
    }

    /**
     * Of the echo requests {@code from} sent (to {@code to}, if given: a host's tunnel addresses
     * or one address) in {@code sent}, at least (or at most) {@code percent} were answered.
     */
    record PingsDelivered(String from, String to, BigDecimal percent, boolean atLeast, Window sent) implements Expectation {
        @Override
        public String describe() {
            return (atLeast ? "pings_delivered_at_least " : "pings_delivered_at_most ") + from + (to == null ? "" : "->" + to)
                    + " " + percent.toPlainString() + "%" + (sent.equals(Window.ALL) ? "" : " sent in " + sent);
        }

        @Override
        public Verdict check(Evidence e) {
            Set<String> destinations = destinations(e, to);
            Map<String, Set<Object>> asked = new HashMap<>();
            int requests = 0;
            for (Trace.Record r : e.select("ping.request", from)) {
                if (sent.contains(r.time()) && (destinations == null || destinations.contains(r.string("dst")))) {
                    if (asked.computeIfAbsent(flow(r), k -> new HashSet<>()).add(r.get("seq"))) {
                        requests++;
                    }
                }
            }
            int replies = 0;
            for (Trace.Record r : e.select("ping.reply", from)) {
                Set<Object> seqs = asked.get(flow(r));
                if (seqs != null && seqs.contains(r.get("seq"))) {
                    replies++;
                }
            }
            if (requests == 0) {
                return new Verdict(describe(), false, "no echo requests were sent" + (sent.equals(Window.ALL) ? "" : " in " + sent));
            }
            return share(describe(), replies, requests, percent, atLeast, replies + " of " + requests + " answered", "");
        }
    }

    /**
     * Of the UDP datagrams {@code from} sent in flows (to {@code to}, if given) in {@code sent}, at
     * least (or at most) {@code percent} were delivered: a one-way datagram reached its receiver
     * ("flow.recv"), a request got its response back ("flow.response"), however late.
     */
    record FlowDelivered(String from, String to, BigDecimal percent, boolean atLeast, Window sent) implements Expectation {
        @Override
        public String describe() {
            return (atLeast ? "flow_delivered_at_least " : "flow_delivered_at_most ") + from + (to == null ? "" : "->" + to)
                    + " " + percent.toPlainString() + "%" + (sent.equals(Window.ALL) ? "" : " sent in " + sent);
        }

        @Override
        public Verdict check(Evidence e) {
            Set<String> destinations = destinations(e, to);
            Set<String> received = new HashSet<>();
            for (Trace.Record r : e.select("flow.recv", null)) {
                if ("oneway".equals(r.string("kind"))) {
                    received.add(r.string("flow") + " " + r.string("seq"));
                }
            }
            for (Trace.Record r : e.select("flow.response", null)) {
                received.add(r.string("flow") + " " + r.string("seq"));
            }
            int sentCount = 0;
            int delivered = 0;
            int requests = 0;
            for (Trace.Record r : e.select("flow.send", from)) {
                if (sent.contains(r.time()) && (destinations == null || destinations.contains(r.string("dst")))) {
                    sentCount++;
                    if ("request".equals(r.string("kind"))) {
                        requests++;
                    }
                    if (received.contains(r.string("flow") + " " + r.string("seq"))) {
                        delivered++;
                    }
                }
            }
            if (sentCount == 0) {
                return new Verdict(describe(), false, "no flow datagrams were sent" + (sent.equals(Window.ALL) ? "" : " in " + sent));
            }
            return share(describe(), delivered, sentCount, percent, atLeast, delivered + " of " + sentCount + " delivered",
                    requests > 0 ? "; " + requests + " requests, delivered means answered" : "");
        }
    }

    /**
     * The tunnel addresses {@code to} names (a host's, or one address as a full-length prefix), or
     * null for any destination.
     */
    private static Set<String> destinations(Evidence e, String to) {
        if (to == null) {
            return null;
        }
        return new HashSet<>(e.isHost(to) ? e.addresses(to) : List.of(to.contains("/") ? to : to + (to.contains(":") ? "/128" : "/32")));
    }

    /**
     * Whether {@code part} of {@code whole} is at least (or at most) {@code percent}, compared exactly;
     * the message shows the share rounded to 0.1 %.
     */
    private static Verdict share(String describe, int part, int whole, BigDecimal percent, boolean atLeast, String counted,
            String note) {
        BigDecimal shown = BigDecimal.valueOf(part * 100L).divide(BigDecimal.valueOf(whole), 1, java.math.RoundingMode.HALF_EVEN);
        int cmp = BigDecimal.valueOf(part * 100L).compareTo(percent.multiply(BigDecimal.valueOf(whole)));
        return new Verdict(describe, atLeast ? cmp >= 0 : cmp <= 0, counted + " (" + shown.toPlainString() + "%" + note + ")");
    }

    /** One pinger's echoes: the host, the destination and the echo identifier. */
    private static String flow(Trace.Record ping) {
        return ping.at() + " " + ping.string("dst") + " " + ping.string("flow");
    }

    /**
     * No inner packet reached a tunnel twice: no ping got two replies ("ping.duplicate"; a request
     * delivered twice would be answered twice, so this covers both directions), and no flow
     * datagram, request or response arrived twice ("flow.duplicate").
     */
    record NoDuplicateDelivery() implements Expectation {
        @Override
        public String describe() {
            return "no_duplicate_delivery";
        }

        @Override
        public Verdict check(Evidence e) {
            List<Trace.Record> dups = new ArrayList<>(e.select("ping.duplicate", null));
            List<Trace.Record> flowDups = e.select("flow.duplicate", null);
            long linkCopies = e.select("link.duplicate", null).size();
            long replayDrops = e.select("wg.drop", null).stream().filter(r -> "REPLAYED_COUNTER".equals(r.string("reason"))).count();
            String context = " (links duplicated " + linkCopies + " datagrams; " + replayDrops + " dropped as REPLAYED_COUNTER)";
            if (dups.isEmpty() && flowDups.isEmpty()) {
                return new Verdict(describe(), true, "no echo answered twice, no flow datagram delivered twice" + context);
            }
            if (dups.isEmpty()) {
                Trace.Record first = flowDups.get(0);
                return new Verdict(describe(), false, flowDups.size() + " flow datagrams delivered twice, first flow " + first.get("flow")
                        + " seq " + first.get("seq") + " (" + first.string("kind") + ") at " + first.at() + " " + Units.seconds(first.time())
                        + context);
            }
            Trace.Record first = dups.get(0);
            return new Verdict(describe(), false, dups.size() + " echoes answered twice, first seq " + first.get("seq") + " at "
                    + first.at() + " " + Units.seconds(first.time()) + (flowDups.isEmpty() ? "" : "; " + flowDups.size()
                    + " flow datagrams delivered twice") + context);
        }
    }

    /**
     * At the end of the run, {@code host}'s endpoint for {@code peer} is {@code endpoint}, and it
     * became so at or after {@code afterNanos} (roaming: learnt from an authenticated packet).
     */
    record EndpointBecomes(String host, String peer, String endpoint, long afterNanos) implements Expectation {
        @Override
        public String describe() {
            return "endpoint_becomes " + host + "->" + peer + " " + endpoint + (afterNanos > 0 ? " after " + Units.seconds(afterNanos) : "");
        }

        @Override
        public Verdict check(Evidence e) {
            String key = e.key(peer);
            List<Trace.Record> changes = e.at(host).stream()
                    .filter(r -> r.kind().equals("wg.endpoint") && key.equals(r.string("peer"))).toList();
            if (changes.isEmpty()) {
                return new Verdict(describe(), false, "the endpoint never changed");
            }
            Trace.Record last = changes.get(changes.size() - 1);
            String history = changes.stream().limit(6).map(r -> r.string("to") + " at " + Units.seconds(r.time()))
                    .collect(Collectors.joining(", ")) + (changes.size() > 6 ? ", ..." : "");
            boolean ok = last.string("to").equals(endpoint) && last.time() >= afterNanos;
            return new Verdict(describe(), ok, "ends at " + last.string("to") + "; changes: " + history);
        }
    }

    /** {@code host}'s endpoint for {@code peer} does not change during {@code during}. */
    record EndpointUnchanged(String host, String peer, Window during) implements Expectation {
        @Override
        public String describe() {
            return "endpoint_unchanged " + host + "->" + peer + " in " + during;
        }

        @Override
        public Verdict check(Evidence e) {
            String key = e.key(peer);
            String before = "unset";
            for (Trace.Record r : e.at(host)) {
                if (r.kind().equals("config.peer") && key.equals(r.string("peer")) && r.time() < during.fromNanos()
                        && r.get("endpoint") != null && !"none".equals(r.string("endpoint"))) {
                    before = r.string("endpoint");
                }
                if (r.kind().equals("wg.endpoint") && key.equals(r.string("peer"))) {
                    if (during.contains(r.time())) {
                        return new Verdict(describe(), false, "changed from " + r.string("from") + " to " + r.string("to") + " at " + Units.seconds(r.time()));
                    }
                    if (r.time() < during.fromNanos()) {
                        before = r.string("to");
                    }
                }
            }
            return new Verdict(describe(), true, "stayed " + before);
        }
    }

    /**
     * A cookie reply never moves an endpoint. At {@code host}, no change of the endpoint of
     * {@code peer} ("wg.endpoint") happens while a cookie reply (a "udp.recv" of type 3) is being
     * handled; and at least one cookie reply came from a source other than the endpoint the host
     * had for the peer then, so the run did put the rule to the test.
     */
    record CookieDoesNotMoveEndpoint(String host, String peer) implements Expectation {
        @Override
        public String describe() {
            return "cookie_does_not_move_endpoint " + host + "->" + peer;
        }

        @Override
        public Verdict check(Evidence e) {
            String key = e.key(peer);
            String endpoint = "none";
            Trace.Record datagram = null;
            List<String> foreign = new ArrayList<>();
            List<String> moved = new ArrayList<>();
            for (Trace.Record r : e.at(host)) {
                switch (r.kind()) {
                    case "udp.recv" -> datagram = r;
                    case "config.peer" -> {
                        if (key.equals(r.string("peer")) && r.get("endpoint") != null && !"none".equals(r.string("endpoint"))) {
                            endpoint = r.string("endpoint");
                        }
                    }
                    case "wg.cookie-received" -> {
                        if (key.equals(r.string("peer")) && datagram != null && datagram.time() == r.time()
                                && !datagram.string("src").equals(endpoint)) {
                            foreign.add(datagram.string("src") + " at " + Units.seconds(r.time()) + " (endpoint " + endpoint + ")");
                        }
                    }
                    case "wg.endpoint" -> {
                        if (key.equals(r.string("peer"))) {
                            if (datagram != null && datagram.time() == r.time()
                                    && ((Number) datagram.get("type")).intValue() == Protocol.MESSAGE_COOKIE_REPLY) {
                                moved.add("to " + r.string("to") + " at " + Units.seconds(r.time()));
                            }
                            endpoint = r.string("to");
                        }
                    }
                    default -> { }
                }
            }
            if (!moved.isEmpty()) {
                return new Verdict(describe(), false, "a cookie reply moved the endpoint " + abbreviate(moved));
            }
            if (foreign.isEmpty()) {
                return new Verdict(describe(), false, "no cookie reply came from a source other than the endpoint: nothing was tested");
            }
            return new Verdict(describe(), true, foreign.size() + " cookie replies from elsewhere, endpoint kept: " + abbreviate(foreign));
        }
    }

    /**
     * Silence towards strangers. At each host, a destination is vouched for once the operator
     * configured it as a peer's endpoint ("config.peer") or the host authenticated a packet from it
     * ("wg.endpoint", which the engine records only for a handshake message or transport data that
     * verified). Every initiation, response and transport datagram ("udp.send" of type 1, 2 or 4)
     * must go to a destination vouched for at that instant. Cookie replies (type 3) answer a valid
     * mac1 under load by design; they must go to a source the host received a datagram from.
     */
    record NoReplyToUnauthenticated() implements Expectation {
        @Override
        public String describe() {
            return "no_reply_to_unauthenticated";
        }

        @Override
        public Verdict check(Evidence e) {
            Map<String, Set<String>> vouched = new HashMap<>();
            Map<String, Set<String>> heardFrom = new HashMap<>();
            int sends = 0;
            int cookies = 0;
            List<String> violations = new ArrayList<>();
            for (Trace.Record r : e.records()) {
                switch (r.kind()) {
                    case "config.peer" -> {
                        if (!"none".equals(r.string("endpoint"))) {
                            vouched.computeIfAbsent(r.at(), k -> new HashSet<>()).add(r.string("endpoint"));
                        }
                    }
                    case "wg.endpoint" -> vouched.computeIfAbsent(r.at(), k -> new HashSet<>()).add(r.string("to"));
                    case "udp.recv" -> heardFrom.computeIfAbsent(r.at(), k -> new HashSet<>()).add(r.string("src"));
                    case "udp.send" -> {
                        int type = ((Number) r.get("type")).intValue();
                        String dst = r.string("dst");
                        boolean ok;
                        if (type == Protocol.MESSAGE_COOKIE_REPLY) {
                            cookies++;
                            ok = heardFrom.getOrDefault(r.at(), Set.of()).contains(dst);
                        } else {
                            sends++;
                            ok = vouched.getOrDefault(r.at(), Set.of()).contains(dst);
                        }
                        if (!ok) {
                            violations.add(r.at() + " sent type " + type + " to " + dst + " at " + Units.seconds(r.time()));
                        }
                    }
                    default -> { }
                }
            }
            if (violations.isEmpty()) {
                return new Verdict(describe(), true, sends + " handshake/data datagrams and " + cookies
                        + " cookie replies, all to vouched-for destinations");
            }
            return new Verdict(describe(), false, violations.size() + " datagrams to unvouched destinations: " + abbreviate(violations));
        }
    }

    /**
     * Handshake retransmissions ({@code wg.initiation-sent} with attempt > 0) come
     * {@code minNanos}..{@code maxNanos} after the initiation before them (REKEY_TIMEOUT plus a
     * jitter below 333 ms), and there are at least {@code atLeast} of them.
     */
    record InitiationRetries(String host, String peer, long minNanos, long maxNanos, int atLeast) implements Expectation {
        @Override
        public String describe() {
            return "initiation_retries " + host + (peer == null ? "" : "->" + peer) + " every " + Units.seconds(minNanos) + ".."
                    + Units.seconds(maxNanos) + ", at least " + atLeast;
        }

        @Override
        public Verdict check(Evidence e) {
            String key = peer == null ? null : e.key(peer);
            List<Long> intervals = new ArrayList<>();
            for (String h : e.hosts(host)) {
                Map<String, Trace.Record> previous = new HashMap<>();
                for (Trace.Record r : e.at(h)) {
                    if (!r.kind().equals("wg.initiation-sent") || key != null && !key.equals(r.string("peer"))) {
                        continue;
                    }
                    Trace.Record before = previous.put(r.string("peer"), r);
                    if (before != null && ((Number) r.get("attempt")).intValue() > 0) {
                        intervals.add(r.time() - before.time());
                    }
                }
            }
            return spacing(describe(), intervals, minNanos, maxNanos, atLeast, "retries");
        }
    }

    /** Consecutive matching records are {@code minNanos}..{@code maxNanos} apart; at least {@code atLeast} intervals. */
    record EventSpacing(String kind, String host, Map<String, String> where, Window during, long minNanos, long maxNanos,
            int atLeast) implements Expectation {
        @Override
        public String describe() {
            return "event_spacing " + kind + (host == null ? "" : " at " + host) + (where.isEmpty() ? "" : " where " + where)
                    + (during.equals(Window.ALL) ? "" : " in " + during) + " every " + Units.seconds(minNanos) + ".."
                    + Units.seconds(maxNanos);
        }

        @Override
        public Verdict check(Evidence e) {
            List<Long> intervals = new ArrayList<>();
            Long previous = null;
            for (Trace.Record r : EventCount.matching(e, kind, host, where, during)) {
                if (previous != null) {
                    intervals.add(r.time() - previous);
                }
                previous = r.time();
            }
            return spacing(describe(), intervals, minNanos, maxNanos, atLeast, "intervals");
        }
    }

    /** At least {@code atLeast} drops with {@code reason} at {@code host}. */
    record DropsInclude(String host, DropReason reason, int atLeast) implements Expectation {
        @Override
        public String describe() {
            return "drops_include " + host + " " + reason.name() + " at least " + atLeast;
        }

        @Override
        public Verdict check(Evidence e) {
            Map<String, Integer> all = new LinkedHashMap<>();
            for (Trace.Record r : e.select("wg.drop", host)) {
                all.merge(r.string("reason"), 1, Integer::sum);
            }
            int n = all.getOrDefault(reason.name(), 0);
            return new Verdict(describe(), n >= atLeast, n + " " + reason.name() + " (all drops at " + host + ": " + (all.isEmpty() ? "none" : all) + ")");
        }
    }

    /**
     * The number of trace records of {@code kind} (at {@code host}, with fields equal to
     * {@code where}, in {@code during}) is within [min, max]; null bounds are open.
     */
    record EventCount(String kind, String host, Map<String, String> where, Window during, Long min, Long max) implements Expectation {
        @Override
        public String describe() {
            return "event_count " + kind + (host == null ? "" : " at " + host) + (where.isEmpty() ? "" : " where " + where)
                    + (during.equals(Window.ALL) ? "" : " in " + during) + (min == null ? "" : " min " + min) + (max == null ? "" : " max " + max);
        }

        @Override
        public Verdict check(Evidence e) {
            List<Trace.Record> hits = matching(e, kind, host, where, during);
            long n = hits.size();
            boolean ok = (min == null || n >= min) && (max == null || n <= max);
            String when = hits.isEmpty() ? "" : hits.size() == 1 ? " at " + Units.seconds(hits.get(0).time())
                    : ", first at " + Units.seconds(hits.get(0).time()) + ", last at " + Units.seconds(hits.get(hits.size() - 1).time());
            return new Verdict(describe(), ok, n + " found" + when);
        }

        static List<Trace.Record> matching(Evidence e, String kind, String host, Map<String, String> where, Window during) {
            Map<String, String> resolved = new LinkedHashMap<>();
            // A peer written as a host name is a key in the trace.
            where.forEach((k, v) -> resolved.put(k, k.equals("peer") ? e.key(v) : v));
            List<Trace.Record> out = new ArrayList<>();
            for (Trace.Record r : e.select(kind, host)) {
                if (!during.contains(r.time())) {
                    continue;
                }
                boolean all = true;
                for (Map.Entry<String, String> w : resolved.entrySet()) {
                    if (!w.getValue().equals(r.string(w.getKey()))) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    out.add(r);
                }
            }
            return out;
        }
    }

    private static Verdict spacing(String describe, List<Long> intervals, long min, long max, int atLeast, String what) {
        if (intervals.size() < atLeast) {
            return new Verdict(describe, false, "only " + intervals.size() + " " + what + " (wanted at least " + atLeast + ")");
        }
        if (intervals.isEmpty()) {
            return new Verdict(describe, true, "no " + what);
        }
        long lo = intervals.stream().mapToLong(Long::longValue).min().orElseThrow();
        long hi = intervals.stream().mapToLong(Long::longValue).max().orElseThrow();
        long outside = intervals.stream().filter(i -> i < min || i > max).count();
        return new Verdict(describe, outside == 0, intervals.size() + " " + what + ", spaced " + Units.seconds(lo) + ".." + Units.seconds(hi)
                + (outside == 0 ? "" : "; " + outside + " outside the range"));
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 3 ? String.join("; ", items) : String.join("; ", items.subList(0, 3)) + "; ... (" + items.size() + ")";
    }
}
