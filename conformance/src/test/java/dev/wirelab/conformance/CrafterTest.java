package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.noise.StaticIdentity;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The keys of crafted initiations wait for their cell: each initiator takes its own (the ephemeral
 * whose public half is on the wire), once, and the oldest are forgotten past the bound.
 */
class CrafterTest {
    private static final Crypto CRYPTO = Crypto.fastest();
    private final DeterministicEntropy entropy = new DeterministicEntropy(5);
    private final StaticIdentity harness = identity("harness");
    private final StaticIdentity stranger = identity("stranger");
    private final StaticIdentity target = identity("target");
    private final Crafter crafter = new Crafter();

    @Test
    void eachInitiatorTakesTheKeysOfItsOwnInitiationsOnce() {
        byte[] first = crafter.initiation(harness, target.publicKey(), System.currentTimeMillis() * 1_000_000L);
        crafter.initiation(stranger, target.publicKey(), System.currentTimeMillis() * 1_000_000L);
        byte[] second = crafter.initiation(harness, target.publicKey(), System.currentTimeMillis() * 1_000_000L);

        List<WireGuardKeylog> mine = crafter.takeKeylog(harness.publicKey());
        assertEquals(2, mine.size(), "the harness's two, not the stranger's");
        for (int i = 0; i < 2; i++) {
            List<String> lines = mine.get(i).lines();
            assertEquals(List.of("LOCAL_STATIC_PRIVATE_KEY = " + harness.privateKey().base64(),
                    "REMOTE_STATIC_PUBLIC_KEY = " + target.publicKey().base64()), lines.subList(0, 2));
            String ephemeral = lines.get(2).substring("LOCAL_EPHEMERAL_PRIVATE_KEY = ".length());
            // E_pub_i is at bytes 8..40 of the initiation: the logged key is its private half.
            assertArrayEquals(Arrays.copyOfRange(i == 0 ? first : second, 8, 40),
                    CRYPTO.x25519().publicKey(PrivateKey.fromBase64(ephemeral)).toByteArray(), "initiation " + i);
        }
        assertEquals(List.of(), crafter.takeKeylog(harness.publicKey()), "taken once");
        assertEquals(1, crafter.takeKeylog(stranger.publicKey()).size());
    }

    @Test
    void pastTheBoundTheOldestAreForgotten() {
        crafter.initiation(harness, target.publicKey(), System.currentTimeMillis() * 1_000_000L);
        for (int i = 0; i < 1024; i++) {
            crafter.initiation(stranger, target.publicKey(), System.currentTimeMillis() * 1_000_000L);
        }
        assertEquals(List.of(), crafter.takeKeylog(harness.publicKey()), "1024 later initiations pushed it out");
        assertEquals(1024, crafter.takeKeylog(stranger.publicKey()).size());
    }

    private StaticIdentity identity(String name) {
        return StaticIdentity.of(CRYPTO.x25519(), PrivateKey.generate(entropy.split(name)));
    }
}
