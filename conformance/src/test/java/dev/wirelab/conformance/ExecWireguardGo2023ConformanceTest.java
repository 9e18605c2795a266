package dev.wirelab.conformance;

/** Debian trixie's wireguard-go through exec:, as ExecWireguardGoConformanceTest does Debian 12's. */
class ExecWireguardGo2023ConformanceTest extends ConformanceMatrixTest {
    ExecWireguardGo2023ConformanceTest() {
        super("exec:/opt/wirelab/wireguard-go-2023/usr/bin/wireguard-go -f {ifname}", "wireguard-go-2023");
    }
}
