package dev.wirelab.datapath.config;

import dev.wirelab.datapath.UapiClient;
import dev.wirelab.datapath.UapiServer;
import dev.wirelab.engine.allowedips.Prefix;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code wg-quick up} and {@code down} for a userspace WireGuard implementation, without wg-quick: the
 * steps of wireguard-tools' wg-quick script (read for what it does, in order), carried out through a
 * {@link CommandRunner} and the interface's UAPI socket instead of {@code wg}.
 *
 * <p>up: PreUp hooks; start the userspace implementation (never the kernel module: this is the
 * userspace path wg-quick falls back to); wait for its UAPI socket; set the configuration as
 * {@code wg setconf} does; {@code ip address add} each Address; set the MTU (given, or the largest MTU
 * of the routes to the endpoints, else of the default route, else 1500, minus 80) and bring the link
 * up; DNS through resolvconf; a route for every AllowedIPs prefix, longest first (Table = off: none;
 * a table: there; default routes in the main table: wg-quick's fwmark, {@code ip rule} and firewall
 * policy routing); PostUp hooks. A failure after the implementation started undoes it as wg-quick's
 * trap does (rules, firewall, DNS, link).
 *
 * <p>down: PreDown hooks; delete the policy rules, then the link (the userspace implementation exits
 * when its TUN device goes); DNS and firewall entries removed; PostDown hooks.
 *
 * <p>{@code SaveConfig = true} is not supported: up and down refuse it before doing anything, rather
 * than lose the running configuration silently on down.
 *
 * <p>Interface names are global for UAPI: /var/run/wireguard/NAME.sock is shared by every network
 * namespace, so two namespaces cannot both have an interface of one name.
 */
public final class WgQuick {
    /** wg-quick's first table number to try for default-route policy routing. */
    static final int DEFAULT_ROUTE_TABLE_FIRST = 51820;
    /** wg-quick subtracts this from the path MTU: the largest WireGuard overhead (IPv6 40 + UDP 8 + 32). */
    static final int OVERHEAD_BYTES = 80;
    static final int MTU_FALLBACK = 1500;
    /** Bound on the rule-deleting loops of down: wg-quick loops while a rule is listed. */
    static final int RULE_DELETIONS_MAX = 256;
    /** Bound on the search for a free table: far more tables than any machine uses. */
    static final int TABLE_SEARCH_MAX = 4096;
    private static final Duration SOCKET_POLL = Duration.ofMillis(20);
    private static final Pattern MTU = Pattern.compile("mtu ([0-9]+)");
    private static final Pattern DEV = Pattern.compile("dev ([^ ]+)");
    private static final Pattern ADDR = Pattern.compile(".*inet6? ([0-9a-f:.]+)/[0-9]+.*");
    private static final Pattern INTERFACE_ORDER = Pattern.compile("([A-Za-z0-9-]+)\\*");

    /** How a userspace implementation runs. */
    public enum Launch {
        /** The command returns once the interface is up, leaving a daemon behind (wireguard-go without -f), as wg-quick expects. */
        DAEMON,
        /** The command keeps running (wireguard-go -f, a wirelab device): started and left running. */
        FOREGROUND
    }

    /** The UAPI socket of an interface by name: {@link UapiClient} for real, a recording in tests. */
    public interface Uapi {
        void set(String name, String request) throws IOException;

        String get(String name) throws IOException;

        boolean answers(String name);

        Path socket(String name);

        /** The real thing: /var/run/wireguard/NAME.sock. */
        static Uapi sockets() {
            return new Uapi() {
                @Override
                public void set(String name, String request) throws IOException {
                    UapiClient.forInterface(name).set(request);
                }

                @Override
                public String get(String name) throws IOException {
                    return UapiClient.forInterface(name).get();
                }

                @Override
                public boolean answers(String name) {
                    return UapiClient.forInterface(name).answers();
                }

                @Override
                public Path socket(String name) {
                    return UapiServer.socketPathFor(name);
                }
            };
        }
    }

    /**
     * @param userspace     the userspace implementation; the interface name is appended (wg-quick's
     *                      WG_QUICK_USERSPACE_IMPLEMENTATION), e.g. {@code [wireguard-go]}
     * @param namespace     run every command inside this network namespace ({@code ip netns exec NS})
     * @param progress      each step as wg-quick prints it ({@code [#] ip link ...}) and warnings
     * @param socketWait    how long the UAPI socket may take to appear after the launch
     */
    public record Options(List<String> userspace, Launch launch, Optional<String> namespace, CommandRunner runner,
            Uapi uapi, Consumer<String> progress, Duration socketWait, Path resolvconfInterfaceOrder,
            WgQuickWriter.Resolver resolver) {
        public Options {
            userspace = List.copyOf(userspace);
            Objects.requireNonNull(launch, "launch");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(runner, "runner");
            Objects.requireNonNull(uapi, "uapi");
            Objects.requireNonNull(progress, "progress");
            Objects.requireNonNull(socketWait, "socketWait");
            Objects.requireNonNull(resolvconfInterfaceOrder, "resolvconfInterfaceOrder");
            Objects.requireNonNull(resolver, "resolver");
            if (userspace.isEmpty()) {
                throw new IllegalArgumentException("no userspace implementation command");
            }
        }

        /** wireguard-go-like defaults: real commands, real sockets, progress to stderr, 10 s for the socket. */
        public static Options of(List<String> userspace, Launch launch) {
            return new Options(userspace, launch, Optional.empty(), new SystemCommandRunner(), Uapi.sockets(),
                    System.err::println, Duration.ofSeconds(10), Path.of("/etc/resolvconf/interface-order"),
                    InetAddress::getByName);
        }

        public Options inNamespace(String ns) {
            return new Options(userspace, launch, Optional.of(ns), runner, uapi, progress, socketWait,
                    resolvconfInterfaceOrder, resolver);
        }

        public Options with(CommandRunner runner, Uapi uapi) {
            return new Options(userspace, launch, namespace, runner, uapi, progress, socketWait,
                    resolvconfInterfaceOrder, resolver);
        }

        public Options withProgress(Consumer<String> progress) {
            return new Options(userspace, launch, namespace, runner, uapi, progress, socketWait,
                    resolvconfInterfaceOrder, resolver);
        }

        public Options withResolver(WgQuickWriter.Resolver resolver) {
            return new Options(userspace, launch, namespace, runner, uapi, progress, socketWait,
                    resolvconfInterfaceOrder, resolver);
        }
    }

    /** An interface brought up, and the process started for it when the launch was {@link Launch#FOREGROUND}. */
    public record Up(String name, Optional<CommandRunner.Started> process) {}

    private WgQuick() {}

    /** Brings up the interface {@code config} describes (its file name gives the interface name). */
    public static Up up(Path config, Options options) throws ConfigException, WgQuickException, InterruptedException {
        WgQuickConfig c = WgQuickReader.read(config);
        warnIfWorldAccessible(config, options);
        return new Run(c, options).up();
    }

    /** Takes down the interface {@code config} describes, running its PreDown and PostDown hooks. */
    public static void down(Path config, Options options) throws ConfigException, WgQuickException, InterruptedException {
        WgQuickConfig c = WgQuickReader.read(config);
        warnIfWorldAccessible(config, options);
        new Run(c, options).down();
    }

    private static void warnIfWorldAccessible(Path config, Options options) {
        try {
            WgQuickReader.worldAccessibleWarning(config).ifPresent(options.progress());
        } catch (IOException | UnsupportedOperationException e) {
            // Read just now, so it exists; a file system without POSIX modes has nothing to warn about.
        }
    }

    /** One up or down of one interface: wg-quick's globals (HAVE_SET_DNS, HAVE_SET_FIREWALL) as fields. */
    private static final class Run {
        private final WgQuickConfig c;
        private final Options o;
        private final String name;
        private boolean haveSetDns;
        private boolean haveSetFirewall;
        private long fwmark;
        private final List<String> endpointHosts = new ArrayList<>();

        Run(WgQuickConfig c, Options o) {
            this.c = c;
            this.o = o;
            this.name = c.name();
            this.fwmark = c.fwmark().orElse(0);
        }

        Up up() throws WgQuickException, InterruptedException {
            refuseSaveConfig();
            if (linkExists()) {
                throw new WgQuickException("`" + name + "' already exists; take it down first (wirelab down "
                        + name + ".conf, or ip link delete dev " + name + ")");
            }
            hooks(c.preUp(), "PreUp");
            String request;
            try {
                // Names resolve now, before anything is created: a typo leaves nothing to undo.
                request = WgQuickWriter.uapiSet(c, o.resolver());
                for (PeerConfig p : c.peers()) {
                    if (p.endpoint().isPresent()) {
                        String e = WgQuickWriter.resolve(name, p.endpoint().get(), o.resolver());
                        endpointHosts.add(e.startsWith("[") ? e.substring(1, e.lastIndexOf(']')) : e.substring(0, e.lastIndexOf(':')));
                    }
                }
            } catch (ConfigException e) {
                throw new WgQuickException(e.getMessage(), e);
            }
            Optional<CommandRunner.Started> process = launch();
            try {
                waitForSocket(process);
                o.progress().accept("[#] wg setconf " + name + " (UAPI " + o.uapi().socket(name) + ")");
                uapiSet(request);
                for (InterfaceAddress a : c.addresses()) {
                    must(ip(a.isIpv4() ? "-4" : "-6", "address", "add", a.toString(), "dev", name));
                }
                setMtuUp();
                setDns();
                for (Prefix p : routes()) {
                    addRoute(p);
                }
                hooks(c.postUp(), "PostUp");
            } catch (WgQuickException | RuntimeException | InterruptedException e) {
                undoUp(e);
                throw e;
            }
            return new Up(name, process);
        }

        void down() throws WgQuickException, InterruptedException {
            refuseSaveConfig();
            if (!linkExists()) {
                throw new WgQuickException("`" + name + "' does not exist (ip link show dev " + name
                        + " finds nothing); is it up, and in this network namespace?");
            }
            if (!o.uapi().answers(name)) {
                throw new WgQuickException("`" + name + "' is not a userspace WireGuard interface: nothing answers on "
                        + o.uapi().socket(name));
            }
            hooks(c.preDown(), "PreDown");
            delIf();
            try {
                unsetDns();
            } catch (WgQuickException e) {
                o.progress().accept("[!] " + e.getMessage()); // wg-quick: unset_dns || true
            }
            try {
                removeFirewall();
            } catch (WgQuickException e) {
                o.progress().accept("[!] " + e.getMessage()); // wg-quick: remove_firewall || true
            }
            hooks(c.postDown(), "PostDown");
        }

        private void refuseSaveConfig() throws WgQuickException {
            if (c.saveConfig()) {
                throw new WgQuickException(name + ".conf: SaveConfig = true is not supported by wirelab: it would "
                        + "rewrite the file from the running interface on down. Set SaveConfig = false (or remove "
                        + "it), and save by hand with `wg showconf " + name + "` if you need to.");
            }
        }

        // ------------------------------------------------------------ up steps

        private Optional<CommandRunner.Started> launch() throws WgQuickException, InterruptedException {
            List<String> argv = new ArrayList<>(o.userspace());
            argv.add(name);
            List<String> full = inNamespace(argv);
            o.progress().accept("[#] " + String.join(" ", full));
            if (o.launch() == Launch.DAEMON) {
                CommandRunner.Result r = exec(full, "");
                // What the daemon said (wireguard-go's banner, wirelab's "running as pid N"), as wg-quick shows it.
                (r.stdout() + r.stderr()).lines().filter(l -> !l.isBlank()).forEach(o.progress());
                if (!r.ok()) {
                    throw new WgQuickException("`" + String.join(" ", full) + "' failed (exit " + r.exitCode() + ")"
                            + stderrPart(r));
                }
                return Optional.empty();
            }
            try {
                return Optional.of(o.runner().start(full));
            } catch (IOException e) {
                throw new WgQuickException("cannot start `" + String.join(" ", full) + "': " + e.getMessage(), e);
            }
        }

        private void waitForSocket(Optional<CommandRunner.Started> process) throws WgQuickException, InterruptedException {
            long deadline = System.nanoTime() + o.socketWait().toNanos();
            while (!o.uapi().answers(name)) {
                if (process.isPresent() && !process.get().isAlive()) {
                    throw new WgQuickException("the userspace implementation exited before its UAPI socket "
                            + o.uapi().socket(name) + " appeared; it printed:\n" + process.get().output().strip());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new WgQuickException("no UAPI socket at " + o.uapi().socket(name) + " within "
                            + o.socketWait().toMillis() + " ms of starting " + String.join(" ", o.userspace())
                            + process.map(p -> "; it printed:\n" + p.output().strip()).orElse(""));
                }
                Thread.sleep(SOCKET_POLL);
            }
        }

        private void uapiSet(String request) throws WgQuickException {
            try {
                o.uapi().set(name, request);
            } catch (IOException e) {
                throw new WgQuickException("configuring " + name + " through UAPI failed: " + e.getMessage(), e);
            }
        }

        private void setMtuUp() throws WgQuickException, InterruptedException {
            if (c.mtu().isPresent()) {
                must(ip("link", "set", "mtu", Integer.toString(c.mtu().getAsInt()), "up", "dev", name));
                return;
            }
            int mtu = 0;
            for (String host : endpointHosts) {
                // wg-quick: output="$(ip route get ADDR || true)": a failure is an empty answer.
                mtu = Math.max(mtu, mtuOf(quiet(ip("route", "get", host))));
            }
            if (mtu == 0) {
                String out = quiet(ip("route", "show", "default"));
                int nl = out.indexOf('\n');
                mtu = mtuOf(nl < 0 ? out : out.substring(0, nl));
            }
            if (mtu <= 0) {
                mtu = MTU_FALLBACK;
            }
            must(ip("link", "set", "mtu", Integer.toString(mtu - OVERHEAD_BYTES), "up", "dev", name));
        }

        /** The "mtu N" of a route, else of the device it goes through; 0 when neither says. */
        private int mtuOf(String route) throws WgQuickException, InterruptedException {
            Matcher m = MTU.matcher(route);
            if (m.find()) {
                return parseMtu(m.group(1));
            }
            Matcher d = DEV.matcher(route);
            if (d.find()) {
                Matcher l = MTU.matcher(quiet(ip("link", "show", "dev", d.group(1))));
                if (l.find()) {
                    return parseMtu(l.group(1));
                }
            }
            return 0;
        }

        private static int parseMtu(String digits) {
            long v = WgQuickReader.decimal(digits);
            return v < 0 || v > Integer.MAX_VALUE ? 0 : (int) v;
        }

        private String resolvconfInterface() {
            try {
                if (Files.isRegularFile(o.resolvconfInterfaceOrder())) {
                    for (String line : Files.readAllLines(o.resolvconfInterfaceOrder())) {
                        Matcher m = INTERFACE_ORDER.matcher(line.strip());
                        if (m.matches()) {
                            return m.group(1) + "." + name;
                        }
                    }
                }
            } catch (IOException e) {
                // wg-quick reads it with `read`: an unreadable file gives no prefix, as here.
            }
            return name;
        }

        private void setDns() throws WgQuickException, InterruptedException {
            if (c.dns().isEmpty()) {
                return;
            }
            if (!o.runner().hasCommand("resolvconf")) {
                throw new WgQuickException("DNS is set in " + name + ".conf but resolvconf is not installed; install "
                        + "resolvconf (or openresolv, or systemd-resolved's resolvconf), or remove the DNS line");
            }
            StringBuilder in = new StringBuilder();
            c.dns().forEach(s -> in.append("nameserver ").append(s).append('\n'));
            if (!c.dnsSearch().isEmpty()) {
                in.append("search ").append(String.join(" ", c.dnsSearch())).append('\n');
            }
            must(inNamespace(List.of("resolvconf", "-a", resolvconfInterface(), "-m", "0", "-x")), in.toString());
            haveSetDns = true;
        }

        private void unsetDns() throws WgQuickException, InterruptedException {
            if (c.dns().isEmpty()) {
                return;
            }
            must(inNamespace(List.of("resolvconf", "-d", resolvconfInterface(), "-f")), "");
        }

        /**
         * The AllowedIPs to route, once each, longest prefix first; equal lengths in reverse text order,
         * which is what wg-quick's {@code sort -nr -k 2 -t /} leaves.
         */
        private List<Prefix> routes() {
            LinkedHashSet<Prefix> all = new LinkedHashSet<>();
            c.peers().forEach(p -> all.addAll(p.allowedIps()));
            List<Prefix> sorted = new ArrayList<>(all);
            sorted.sort(Comparator.comparingInt(Prefix::cidr).reversed()
                    .thenComparing(Prefix::toString, Comparator.reverseOrder()));
            return sorted;
        }

        private void addRoute(Prefix p) throws WgQuickException, InterruptedException {
            String family = p.isIpv4() ? "-4" : "-6";
            switch (c.table()) {
                case Table.Off off -> { }
                case Table.Named t -> must(ip(family, "route", "add", p.toString(), "dev", name, "table", t.name()));
                case Table.Auto auto -> {
                    if (p.cidr() == 0) {
                        addDefault(p);
                    } else if (quiet(ip(family, "route", "show", "dev", name, "match", p.toString())).isEmpty()) {
                        must(ip(family, "route", "add", p.toString(), "dev", name));
                    }
                }
            }
        }

        /** A default route through the tunnel, in its own table, with wg-quick's policy routing. */
        private void addDefault(Prefix p) throws WgQuickException, InterruptedException {
            if (fwmark == 0) {
                long table = DEFAULT_ROUTE_TABLE_FIRST;
                for (int i = 0; ; i++) {
                    if (i == TABLE_SEARCH_MAX) {
                        throw new WgQuickException("no free routing table from " + DEFAULT_ROUTE_TABLE_FIRST + " to "
                                + (DEFAULT_ROUTE_TABLE_FIRST + TABLE_SEARCH_MAX) + " for the default route");
                    }
                    String t = Long.toString(table);
                    if (quiet(ip("-4", "route", "show", "table", t)).isEmpty()
                            && quiet(ip("-6", "route", "show", "table", t)).isEmpty()) {
                        break;
                    }
                    table++;
                }
                o.progress().accept("[#] wg set " + name + " fwmark " + table + " (UAPI)");
                uapiSet("set=1\nfwmark=" + table + "\n\n");
                fwmark = table;
            }
            String t = Long.toString(fwmark);
            boolean v4 = p.isIpv4();
            String family = v4 ? "-4" : "-6";
            must(ip(family, "route", "add", p.toString(), "dev", name, "table", t));
            must(ip(family, "rule", "add", "not", "fwmark", t, "table", t));
            must(ip(family, "rule", "add", "table", "main", "suppress_prefixlength", "0"));

            String pf = v4 ? "ip" : "ip6";
            String nftable = "wg-quick-" + name;
            String marker = "-m comment --comment \"wg-quick(8) rule for " + name + "\"";
            StringBuilder nft = new StringBuilder();
            StringBuilder restore = new StringBuilder("*raw\n");
            nft.append("add table ").append(pf).append(' ').append(nftable).append('\n');
            nft.append("add chain ").append(pf).append(' ').append(nftable)
                    .append(" preraw { type filter hook prerouting priority -300; }\n");
            nft.append("add chain ").append(pf).append(' ').append(nftable)
                    .append(" premangle { type filter hook prerouting priority -150; }\n");
            nft.append("add chain ").append(pf).append(' ').append(nftable)
                    .append(" postmangle { type filter hook postrouting priority -150; }\n");
            // Drop packets from elsewhere that claim the tunnel's own addresses (wg-quick's anti-spoofing).
            for (String line : quiet(ip("-o", family, "addr", "show", "dev", name)).split("\n")) {
                Matcher m = ADDR.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                restore.append("-I PREROUTING ! -i ").append(name).append(" -d ").append(m.group(1))
                        .append(" -m addrtype ! --src-type LOCAL -j DROP ").append(marker).append('\n');
                nft.append("add rule ").append(pf).append(' ').append(nftable).append(" preraw iifname != \"")
                        .append(name).append("\" ").append(pf).append(" daddr ").append(m.group(1))
                        .append(" fib saddr type != local drop\n");
            }
            restore.append("COMMIT\n*mangle\n-I POSTROUTING -m mark --mark ").append(fwmark)
                    .append(" -p udp -j CONNMARK --save-mark ").append(marker)
                    .append("\n-I PREROUTING -p udp -j CONNMARK --restore-mark ").append(marker).append("\nCOMMIT\n");
            nft.append("add rule ").append(pf).append(' ').append(nftable).append(" postmangle meta l4proto udp mark ")
                    .append(fwmark).append(" ct mark set mark \n");
            nft.append("add rule ").append(pf).append(' ').append(nftable)
                    .append(" premangle meta l4proto udp meta mark set ct mark \n");
            if (v4) {
                must(inNamespace(List.of("sysctl", "-q", "net.ipv4.conf.all.src_valid_mark=1")), "");
            }
            if (o.runner().hasCommand("nft")) {
                must(inNamespace(List.of("nft", "-f", "/dev/stdin")), nft.toString());
            } else if (o.runner().hasCommand(v4 ? "iptables-restore" : "ip6tables-restore")) {
                must(inNamespace(List.of(v4 ? "iptables-restore" : "ip6tables-restore", "-n")), restore.toString());
            } else {
                throw new WgQuickException("a default route (" + p + ") needs nft or " + (v4 ? "iptables" : "ip6tables")
                        + "-restore for wg-quick's firewall marks, and neither is installed; install nftables, or set "
                        + "Table = off (no routes) or Table = NUMBER and route yourself");
            }
            haveSetFirewall = true;
        }

        // ------------------------------------------------------------ down steps

        /** wg-quick's del_if: policy rules, then the link. */
        private void delIf() throws WgQuickException, InterruptedException {
            if (haveSetDns) {
                unsetDns();
            }
            if (haveSetFirewall) {
                removeFirewall();
            }
            if (c.table() instanceof Table.Auto) {
                long mark = 0;
                boolean defaultRoute = false;
                try {
                    for (String line : o.uapi().get(name).split("\n")) {
                        if (line.startsWith("fwmark=")) {
                            mark = Math.max(0, WgQuickReader.decimal(line.substring("fwmark=".length())));
                        } else if (line.startsWith("allowed_ip=") && line.endsWith("/0")) {
                            defaultRoute = true;
                        }
                    }
                } catch (IOException e) {
                    // wg-quick: get_fwmark fails, so no rules are removed; the link still goes.
                    o.progress().accept("[!] reading " + name + " through UAPI failed (" + e.getMessage()
                            + "); policy rules, if any, are left in place");
                }
                if (mark != 0 && defaultRoute) {
                    String t = Long.toString(mark);
                    for (String family : List.of("-4", "-6")) {
                        deleteRulesWhileListed(family, "lookup " + t, List.of("table", t));
                        deleteRulesWhileListed(family, "from all lookup main suppress_prefixlength 0",
                                List.of("table", "main", "suppress_prefixlength", "0"));
                    }
                }
            }
            must(ip("link", "delete", "dev", name));
        }

        private void deleteRulesWhileListed(String family, String listed, List<String> selector)
                throws WgQuickException, InterruptedException {
            for (int i = 0; quiet(ip(family, "rule", "show")).contains(listed); i++) {
                if (i == RULE_DELETIONS_MAX) {
                    throw new WgQuickException("`ip " + family + " rule show' still lists \"" + listed + "\" after "
                            + RULE_DELETIONS_MAX + " deletions; remove the rules by hand");
                }
                List<String> argv = new ArrayList<>(List.of(family, "rule", "delete"));
                argv.addAll(selector);
                must(ip(argv.toArray(String[]::new)));
            }
        }

        private void removeFirewall() throws WgQuickException, InterruptedException {
            if (o.runner().hasCommand("nft")) {
                StringBuilder cmd = new StringBuilder();
                for (String table : quiet(inNamespace(List.of("nft", "list", "tables"))).split("\n")) {
                    if (table.endsWith(" wg-quick-" + name)) {
                        cmd.append("delete ").append(table).append('\n');
                    }
                }
                if (!cmd.isEmpty()) {
                    must(inNamespace(List.of("nft", "-f", "/dev/stdin")), cmd.toString());
                }
            }
            if (o.runner().hasCommand("iptables")) {
                String marker = "-m comment --comment \"wg-quick(8) rule for " + name + "\"";
                for (String iptables : List.of("iptables", "ip6tables")) {
                    StringBuilder restore = new StringBuilder();
                    boolean found = false;
                    for (String line : quiet(inNamespace(List.of(iptables + "-save"))).split("\n")) {
                        boolean rule = line.startsWith("-A ") && line.contains(marker);
                        if (!(line.startsWith("*") || line.equals("COMMIT") || rule)) {
                            continue;
                        }
                        found |= rule;
                        restore.append(rule ? "-D" + line.substring(2) : line).append('\n');
                    }
                    if (found) {
                        must(inNamespace(List.of(iptables + "-restore", "-n")), restore.toString());
                    }
                }
            }
        }

        /** wg-quick's trap on a failed up: del_if, keeping the first failure as the one reported. */
        private void undoUp(Exception failure) {
            try {
                delIf(); // Unconditionally, as wg-quick's trap: the implementation may have made the link.
                if (haveSetFirewall) {
                    removeFirewall();
                }
            } catch (WgQuickException | RuntimeException e) {
                failure.addSuppressed(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.addSuppressed(e);
            }
        }

        // ------------------------------------------------------------ commands

        private void hooks(List<String> hooks, String which) throws WgQuickException, InterruptedException {
            for (String hook : hooks) {
                String expanded = hook.replace("%i", name);
                o.progress().accept("[#] " + expanded);
                CommandRunner.Result r = exec(inNamespace(List.of("bash", "-c", expanded)), "");
                if (!r.stdout().isEmpty()) {
                    o.progress().accept(r.stdout().stripTrailing());
                }
                if (!r.ok()) {
                    throw new WgQuickException(which + " hook `" + expanded + "' failed (exit " + r.exitCode() + ")"
                            + stderrPart(r));
                }
            }
        }

        private boolean linkExists() throws WgQuickException, InterruptedException {
            return !quiet(ip("link", "show", "dev", name)).isEmpty();
        }

        private List<String> ip(String... args) {
            List<String> argv = new ArrayList<>();
            argv.add("ip");
            argv.addAll(List.of(args));
            return inNamespace(argv);
        }

        private List<String> inNamespace(List<String> argv) {
            if (o.namespace().isEmpty()) {
                return argv;
            }
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", o.namespace().get()));
            full.addAll(argv);
            return full;
        }

        /** Runs a step wg-quick runs with cmd: printed, and a failure stops everything. */
        private void must(List<String> argv) throws WgQuickException, InterruptedException {
            must(argv, "");
        }

        private void must(List<String> argv, String stdin) throws WgQuickException, InterruptedException {
            o.progress().accept("[#] " + String.join(" ", argv));
            CommandRunner.Result r = exec(argv, stdin);
            if (!r.ok()) {
                throw new WgQuickException("`" + String.join(" ", argv) + "' failed (exit " + r.exitCode() + ")"
                        + stderrPart(r));
            }
        }

        /** A query wg-quick runs in $(...) with errors ignored: its stdout, or "" when it fails. */
        private String quiet(List<String> argv) throws WgQuickException, InterruptedException {
            CommandRunner.Result r = exec(argv, "");
            return r.ok() ? r.stdout().strip() : "";
        }

        private CommandRunner.Result exec(List<String> argv, String stdin) throws WgQuickException, InterruptedException {
            try {
                return o.runner().run(argv, stdin);
            } catch (IOException e) {
                throw new WgQuickException("cannot run `" + String.join(" ", argv) + "': " + e.getMessage(), e);
            }
        }

        private static String stderrPart(CommandRunner.Result r) {
            String err = r.stderr().strip();
            return err.isEmpty() ? "" : ": " + err;
        }
    }
}
