package dev.wirelab.datapath.config;

/**
 * wg-quick's {@code Table}: where routes for AllowedIPs go. Only the lowercase words "off" and "auto"
 * are special (wg-quick compares them case-sensitively); anything else names an {@code ip route} table.
 */
public sealed interface Table {
    /** Unset or "auto": the main table, with policy routing for default routes. */
    record Auto() implements Table {
        @Override
        public String toString() {
            return "auto";
        }
    }

    /** "off": no routes at all. */
    record Off() implements Table {
        @Override
        public String toString() {
            return "off";
        }
    }

    /** A table by number (0..2^32-1) or by name from /etc/iproute2/rt_tables. */
    record Named(String name) implements Table {
        @Override
        public String toString() {
            return name;
        }
    }

    Table AUTO = new Auto();
    Table OFF = new Off();
}
