package dev.wirelab.conformance;

/** The conformance matrix's wireguard-go column. */
class WireguardGoConformanceTest extends ConformanceMatrixTest {
    WireguardGoConformanceTest() {
        super("wireguard-go");
    }
}
