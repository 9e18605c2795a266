package dev.wirelab.conformance;

/** The conformance matrix's wirelab column. */
class WirelabConformanceTest extends ConformanceMatrixTest {
    WirelabConformanceTest() {
        super("wirelab");
    }
}
