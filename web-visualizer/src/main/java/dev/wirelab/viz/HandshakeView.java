package dev.wirelab.viz;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.noise.NoiseStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sections 1 and 2 of the page: the two peers, and the handshake in the whitepaper's eleven steps
 * with the engine's own values. Steps 1-5 and 7-11 are the engine's {@link NoiseStep}s as the
 * message's creator traced them; step 6 (mac1, mac2) changes neither C nor H, so it carries the
 * values step 5 left. The session split (KDF2 of the final C) comes with step 11's answer.
 */
final class HandshakeView {
    private HandshakeView() {}

    record Peer(String role, String name, String publicKey, String publicKeyHex, String endpoint, String tunnel,
            String allowedIps) {}

    /** Seed and time as decimal text: JavaScript numbers lose the low bits of 64-bit integers. */
    record Pair(String seed, boolean psk, String wallNanos, Peer initiator, Peer responder) {}

    record Value(String name, String hex) {}

    /**
     * One step. {@code actor} computed it and wrote into message {@code message}; the other side
     * repeats it on receipt, and {@code otherSideAgrees} says whether its C and H came out equal.
     * {@code fills} names the message fields this step writes.
     */
    record Step(int number, String token, String formula, String actor, int message, String chainingKeyBefore,
            String chainingKeyAfter, String hashBefore, String hashAfter, List<Value> values, boolean otherSideAgrees,
            List<String> fills) {}

    record Handshake(Pair pair, List<Step> steps, Step split, List<Annotated> messages) {}

    static Pair pair(Lab.Run run) {
        EnginePair p = run.pair();
        Lab lab = run.lab();
        return new Pair(Long.toString(lab.seed()), lab.psk(), Long.toString(lab.wallNanos()),
                new Peer("initiator", "your laptop", p.identityI.publicKey().base64(), Bytes.of(p.identityI.publicKey().bytes()).hex(),
                        EnginePair.ENDPOINT_I.toString(), Lab.LAPTOP_TUNNEL + ", " + Lab.LAPTOP_TUNNEL6,
                        Lab.SERVER_TUNNEL + ", " + Lab.SERVER_TUNNEL6),
                new Peer("responder", "VPN server", p.identityR.publicKey().base64(), Bytes.of(p.identityR.publicKey().bytes()).hex(),
                        EnginePair.ENDPOINT_R.toString(), Lab.SERVER_TUNNEL + ", " + Lab.SERVER_TUNNEL6,
                        Lab.LAPTOP_TUNNEL + ", " + Lab.LAPTOP_TUNNEL6));
    }

    static Handshake of(Lab.Run run) {
        List<NoiseStep> mine = run.initiatorSteps();
        List<NoiseStep> theirs = run.responderSteps();
        byte[] init = run.exchange().initiation();
        byte[] resp = run.exchange().response();
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k < mine.size(); k++) {
            // Steps 1-5 and the split are the initiator's own work; 7-11 the responder's.
            NoiseStep i = mine.get(k);
            NoiseStep r = theirs.get(k);
            boolean responderCreates = i.number() >= 7 && i.number() <= 11;
            NoiseStep creator = responderCreates ? r : i;
            NoiseStep repeater = responderCreates ? i : r;
            if (creator.number() == 7) {
                steps.add(macs(steps.getLast(), init, Initiation.OFFSET_MAC1, 1, "S_pub_r"));
            }
            steps.add(step(creator, repeater));
        }
        Step split = steps.removeLast();
        return new Handshake(pair(run), List.copyOf(steps), split,
                List.of(Annotated.message("handshake initiation", init), Annotated.message("handshake response", resp)));
    }

    private static Step step(NoiseStep s, NoiseStep other) {
        List<Value> values = new ArrayList<>();
        for (Map.Entry<String, Bytes> v : s.values().entrySet()) {
            values.add(new Value(v.getKey(), v.getValue().hex()));
        }
        boolean agrees = s.chainingKeyAfter().equals(other.chainingKeyAfter()) && s.hashAfter().equals(other.hashAfter());
        String actor = s.side() == NoiseStep.Side.RESPONDER_CREATES ? "responder" : "initiator";
        int message = s.number() <= 6 ? 1 : 2;
        return new Step(s.number(), s.token(), s.formula(), actor, s.number() == 12 ? 0 : message, s.chainingKeyBefore().hex(),
                s.chainingKeyAfter().hex(), s.hashBefore().hex(), s.hashAfter().hex(), List.copyOf(values), agrees,
                fills(s.number()));
    }

    /** Step 6: the initiation's two MACs, taken from the message on the wire. C and H are untouched. */
    private static Step macs(Step before, byte[] wire, int mac1Offset, int message, String key) {
        List<Value> values = List.of(new Value("mac1", Bytes.of(wire, mac1Offset, 16).hex()),
                new Value("mac2", Bytes.of(wire, mac1Offset + 16, 16).hex()));
        String formula = "mac1 = MAC(HASH(LABEL_MAC1 || " + key + "), msg[0:" + mac1Offset + "]); mac2 = MAC(cookie, msg[0:"
                + (mac1Offset + 16) + "]), or zeros without a cookie";
        return new Step(6, "mac1, mac2", formula, "initiator", message, before.chainingKeyAfter(), before.chainingKeyAfter(),
                before.hashAfter(), before.hashAfter(), values, true, fills(6));
    }

    /** Which fields of its message each step writes, by {@link dev.wirelab.engine.message.MessageLayout}'s names. */
    static List<String> fills(int step) {
        return switch (step) {
            case 1 -> List.of("type", "reserved", "sender index", "ephemeral");
            case 3 -> List.of("encrypted static");
            case 5 -> List.of("encrypted timestamp");
            case 6 -> List.of("mac1", "mac2");
            case 7 -> List.of("type", "reserved", "sender index", "receiver index", "ephemeral");
            case 11 -> List.of("encrypted nothing", "mac1", "mac2");
            default -> List.of();
        };
    }
}
