/**
 * Known-answer vectors and the conformance runner.
 *
 * <p>The vector files live in {@code src/main/resources/dev/wirelab/vectors/}, one JSON file per
 * primitive or mechanism, each with a top-level {@code "source"} naming where its data comes from
 * (RFC section, repository and file) and a {@code "format"} saying how a case is checked; every case
 * names its own source too. The data is copied from those sources, never computed by the code it
 * checks.
 *
 * <p>{@link dev.wirelab.vectors.ConformanceRunner} checks a {@link dev.wirelab.vectors.Candidate}
 * (a {@link dev.wirelab.engine.crypto.Crypto}, a {@link dev.wirelab.vectors.ReplayWindows} and a
 * {@link dev.wirelab.vectors.Timestamper}) against every case and returns a
 * {@link dev.wirelab.vectors.Report}. The Noise vector is checked through a
 * {@link dev.wirelab.vectors.NoiseIkpsk2Runner}, which the Noise core provides.
 */
package dev.wirelab.vectors;
