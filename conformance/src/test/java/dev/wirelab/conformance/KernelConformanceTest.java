package dev.wirelab.conformance;

/** The conformance matrix's kernel column. */
class KernelConformanceTest extends ConformanceMatrixTest {
    KernelConformanceTest() {
        super("kernel");
    }
}
