package dev.wirelab.cli;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.message.MessageLayout;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.noise.NoiseTrace;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab handshake}: two engine peers complete a real Noise IKpsk2 handshake in memory,
 * and every step is printed with the chaining key C and hash H before and after it, as both sides
 * compute them independently. Then one packet each way, and a replay that is refused.
 */
@Command(
        name = "handshake", header = "Walk through a real handshake, step by step.",
        description = {
            "Walk through a real WireGuard handshake between two in-memory engine peers: every Noise step "
                    + "with its formula, C and H before and after, the DH values and keys, the bytes of each message "
                    + "by field, then transport data both ways and a rejected replay.",
            "Keys come from --seed, so the run is reproducible; they are printed, so never reuse them.",
        },
        footer = {"%nExamples:%n  wirelab handshake%n  wirelab handshake --seed 42 --psk"})
final class HandshakeWalkthrough implements Callable<Integer> {
    @Option(names = "--seed", description = "Seed for both peers' keys (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;

    @Option(names = "--psk", description = "Give both peers the same preshared key (step 10 mixes it in).")
    boolean presharedKey;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        EnginePair pair = new EnginePair(seed, presharedKey);
        // The wall clock only feeds the TAI64N timestamp; the monotonic origin does not matter here.
        Now now = new Now(0, System.currentTimeMillis() * 1_000_000L);
        List<NoiseStep> initiator = new ArrayList<>();
        List<NoiseStep> responder = new ArrayList<>();
        EnginePair.Exchange x = pair.handshake(now, 0x0000a11c, 0x0000b0b0, NoiseTrace.collecting(initiator),
                NoiseTrace.collecting(responder));

        out.printf("WireGuard handshake, Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, seed %d%n%n", seed);
        out.printf("  initiator  static public %s   (%s)%n", pair.identityI.publicKey(), EnginePair.ENDPOINT_I);
        out.printf("  responder  static public %s   (%s)%n", pair.identityR.publicKey(), EnginePair.ENDPOINT_R);
        out.printf("  preshared key %s%n%n", presharedKey ? Bytes.of(pair.presharedKey.secretBytes()).hex() : "none (32 zero bytes)");

        out.println("Message 1, handshake initiation: the initiator computes steps 1-5; the responder repeats them on receipt.");
        printSteps(out, initiator, responder, 0, 5);
        out.println("  step 6  mac1 = MAC(HASH(LABEL_MAC1 || S_pub_r), msg[0:116]); mac2 = 16 zero bytes (no cookie)");
        printWire(out, x.initiation());

        out.println();
        out.println("Message 2, handshake response: the responder computes steps 7-11; the initiator repeats them.");
        printSteps(out, responder, initiator, 5, 10);
        out.println("          mac1 = MAC(HASH(LABEL_MAC1 || S_pub_i), msg[0:60]); mac2 = 16 zero bytes");
        printWire(out, x.response());

        out.println();
        out.println("Session keys (both sides derive them without sending a secret):");
        printSteps(out, initiator, responder, 10, 11);

        out.println();
        byte[] ping = "hello through the tunnel".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] wire = EnginePair.ok(x.initiatorKeypair().seal(pair.cryptoI.aead(), now, ping, 0, ping.length, 1420));
        out.printf("Transport data, initiator -> responder: %d plaintext bytes padded to %d, sent as %d bytes%n",
                ping.length, wire.length - 32, wire.length);
        out.printf("  %s%n", Bytes.of(wire).hex());
        out.printf("  responder opens it: %s (and this first packet confirms its keypair)%n",
                describe(pair.receive(true, wire, now), ping.length));
        byte[] back = EnginePair.ok(x.responderKeypair().seal(pair.cryptoR.aead(), now, ping, 0, ping.length, 1420));
        out.printf("  the responder answers with counter 0 under its own key: %s%n", describe(pair.receive(false, back, now), ping.length));
        out.printf("  the same first datagram again: %s%n", describe(pair.receive(true, wire, now), ping.length));
        return 0;
    }

    private static String describe(Outcome<byte[]> outcome, int length) {
        return switch (outcome) {
            case Outcome.Ok<byte[]>(var p) -> "delivered \"" + new String(p, 0, length, java.nio.charset.StandardCharsets.US_ASCII) + "\"";
            case Outcome.Dropped<byte[]>(var reason) -> "dropped, " + reason + " (" + reason.description() + ")";
        };
    }

    private static void printSteps(PrintWriter out, List<NoiseStep> mine, List<NoiseStep> theirs, int from, int to) {
        for (int k = from; k < to; k++) {
            NoiseStep s = mine.get(k);
            NoiseStep t = theirs.get(k);
            boolean agree = s.chainingKeyAfter().equals(t.chainingKeyAfter()) && s.hashAfter().equals(t.hashAfter());
            out.printf("  step %-2d %-5s %s%n", s.number(), s.token(), s.formula());
            out.printf("          C %s -> %s%n", s.chainingKeyBefore(), s.chainingKeyAfter());
            out.printf("          H %s -> %s%n", s.hashBefore(), s.hashAfter());
            for (Map.Entry<String, Bytes> v : s.values().entrySet()) {
                out.printf("          %s = %s%n", v.getKey(), v.getValue());
            }
            out.printf("          other side: %s%n", agree ? "same C and H" : "C/H DIFFER");
        }
    }

    /** The message as it goes on the wire, field by field, as {@link MessageLayout} names them. */
    private static void printWire(PrintWriter out, byte[] wire) {
        out.printf("  on the wire (%d bytes):%n", wire.length);
        for (MessageLayout.Field f : MessageLayout.of(wire[0], wire.length)) {
            out.printf("    %3d  %-20s %s%n", f.offset(), f.name(), Bytes.of(wire, f.offset(), f.length()).hex());
        }
    }
}
