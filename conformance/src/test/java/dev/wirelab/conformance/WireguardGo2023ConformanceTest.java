package dev.wirelab.conformance;

/** The conformance matrix's column for Debian trixie's wireguard-go 0.0.20231211 (.ci/run fetches it). */
class WireguardGo2023ConformanceTest extends ConformanceMatrixTest {
    WireguardGo2023ConformanceTest() {
        super("wireguard-go-2023");
    }
}
