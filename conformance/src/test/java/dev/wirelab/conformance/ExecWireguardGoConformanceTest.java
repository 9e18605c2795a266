package dev.wirelab.conformance;

/**
 * Debian 12's wireguard-go as a user would bring their own implementation: through exec:, started
 * by the contract alone. Its column must match the built-in wireguard-go column (every cell passes).
 */
class ExecWireguardGoConformanceTest extends ConformanceMatrixTest {
    ExecWireguardGoConformanceTest() {
        super("exec:wireguard-go -f {ifname}", "wireguard-go");
    }
}
