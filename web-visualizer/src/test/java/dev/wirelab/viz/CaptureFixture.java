package dev.wirelab.viz;

import dev.wirelab.capture.PcapWriter;
import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.sim.UdpFlow;
import dev.wirelab.sim.capture.SimCapture;
import dev.wirelab.sim.scenario.ScenarioFile;
import dev.wirelab.sim.scenario.ScenarioRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A pcap and its key log made by the simulator (capture-fixture.yaml: a preshared key, loss,
 * duplicates, handshakes from both sides), written to target/capture-fixtures for the tests and for
 * a person to open in Wireshark or in the page.
 */
record CaptureFixture(Path pcap, Path keylog) {
    /** The ports WireGuard runs on in these captures, for tshark's -d. */
    static final java.util.List<Integer> PORTS = java.util.List.of(51820, 51821);
    static final Path DIR = Path.of("target", "capture-fixtures");

    static CaptureFixture make() throws IOException {
        String yaml;
        try (InputStream in = CaptureFixture.class.getResourceAsStream("capture-fixture.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        SimCapture[] capture = new SimCapture[1];
        ScenarioRun.run(ScenarioFile.parse("capture-fixture.yaml", yaml), 3, null, sim -> capture[0] = SimCapture.attach(sim));
        Files.createDirectories(DIR);
        CaptureFixture f = new CaptureFixture(DIR.resolve("capture-fixture.pcap"), DIR.resolve("capture-fixture.keys"));
        capture[0].writePcap(f.pcap());
        capture[0].writeKeylog(f.keylog());
        return f;
    }

    /**
     * A capture seen from the responder's side, as a responding {@code wirelab device --keylog}
     * logs it: the lab's handshake (seed 7, a preshared key) and UDP packets both ways, with a key
     * log of the responder's static private key, the initiator's public key, the responder's
     * ephemeral private key and the preshared key. The ephemerals are drawn again from a twin pair
     * (the same seed gives the same streams); the caller checks they are the ones on the wire.
     *
     * @return the fixture; {@code responderEphemeral} receives E_pub_r as drawn, for that check
     */
    static CaptureFixture responderSide(byte[][] responderEphemeral) throws IOException {
        Lab.Run run = new Lab(7, true, 1_767_225_600_000_000_000L).run();
        EnginePair twin = new EnginePair(7, true);
        PrivateKey.generate(twin.entropyI); // the initiator's ephemeral comes first in its own stream
        PrivateKey ephemeralR = PrivateKey.generate(twin.entropyR);
        responderEphemeral[0] = twin.cryptoR.x25519().publicKey(ephemeralR).toByteArray();
        EnginePair pair = run.pair();
        Files.createDirectories(DIR);
        CaptureFixture f = new CaptureFixture(DIR.resolve("responder-side.pcap"), DIR.resolve("responder-side.keys"));
        long t = run.now().wallNanos();
        try (PcapWriter w = PcapWriter.open(f.pcap())) {
            w.udp(EnginePair.ENDPOINT_I, EnginePair.ENDPOINT_R, run.exchange().initiation(), t);
            w.udp(EnginePair.ENDPOINT_R, EnginePair.ENDPOINT_I, run.exchange().response(), t += 1_000_000);
            byte[] laptop = Prefix.parse(Lab.LAPTOP_TUNNEL).address().toByteArray();
            byte[] server = Prefix.parse(Lab.SERVER_TUNNEL).address().toByteArray();
            for (int i = 0; i < 3; i++) {
                byte[] up = UdpFlow.udp(laptop, server, 40000, 40002, ("request " + i).getBytes(StandardCharsets.UTF_8));
                byte[] wire = EnginePair.ok(run.exchange().initiatorKeypair().seal(pair.cryptoI.aead(), run.now(), up, 0, up.length, 1420));
                w.udp(EnginePair.ENDPOINT_I, EnginePair.ENDPOINT_R, wire, t += 1_000_000);
                EnginePair.ok(pair.receive(true, wire, run.now())); // confirms the responder's keypair
                byte[] down = UdpFlow.udp(server, laptop, 40002, 40000, ("answer " + i).getBytes(StandardCharsets.UTF_8));
                wire = EnginePair.ok(run.exchange().responderKeypair().seal(pair.cryptoR.aead(), run.now(), down, 0, down.length, 1420));
                w.udp(EnginePair.ENDPOINT_R, EnginePair.ENDPOINT_I, wire, t += 1_000_000);
            }
        }
        new WireGuardKeylog().handshake(pair.identityI.publicKey(), pair.staticPrivateR.base64(), ephemeralR.base64(),
                Base64.getEncoder().encodeToString(pair.presharedKey.secretBytes())).write(f.keylog());
        return f;
    }

    byte[] pcapBytes() throws IOException {
        return Files.readAllBytes(pcap);
    }

    String keylogText() throws IOException {
        return Files.readString(keylog);
    }
}
