package dev.wirelab.engine.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.crypto.JdkChaCha20Poly1305;
import dev.wirelab.engine.crypto.SymmetricKey;
import org.junit.jupiter.api.Test;

/** REKEY_AFTER_MESSAGES and REJECT_AFTER_MESSAGES, scaled down so a test can reach them. */
class KeypairLimitsTest {
    private static final Now NOW = new Now(0, 0);

    @Test
    void rekeyIsDueOnceMoreThanTheLimitWereSentAndSendingStopsAtTheRejectLimit() {
        Keypair k = new Keypair(SymmetricKey.zero(), SymmetricKey.zero(), 1, 2, false, 0, new KeypairLimits(3, 5));
        JdkChaCha20Poly1305 aead = new JdkChaCha20Poly1305();
        for (int i = 0; i < 4; i++) {
            assertFalse(k.shouldRekeyAfterSending(NOW), "after " + i + " messages");
            assertInstanceOf(Outcome.Ok.class, k.seal(aead, NOW, new byte[1], 0, 1, 1420));
        }
        assertTrue(k.shouldRekeyAfterSending(NOW), "4 > 3 sent: a new handshake is due, even for the responder");
        assertInstanceOf(Outcome.Ok.class, k.seal(aead, NOW, new byte[1], 0, 1, 1420));
        assertEquals(5, k.sendingCounter());
        assertEquals(Outcome.dropped(DropReason.KEYPAIR_EXPIRED), k.seal(aead, NOW, new byte[1], 0, 1, 1420),
                "counter 5 would be REJECT_AFTER_MESSAGES: never sent");
    }

    @Test
    void theReceiverRefusesCountersAtTheRejectLimit() {
        KeypairLimits limits = new KeypairLimits(3, 5);
        SymmetricKey key = SymmetricKey.of(new byte[32]);
        Keypair sender = new Keypair(key, key, 1, 2, true, 0, new KeypairLimits(3, 10));
        Keypair receiver = new Keypair(key, key, 2, 1, false, 0, limits);
        JdkChaCha20Poly1305 aead = new JdkChaCha20Poly1305();
        for (int counter = 0; counter < 6; counter++) {
            byte[] wire = ((Outcome.Ok<byte[]>) sender.seal(aead, NOW, new byte[1], 0, 1, 1420)).value();
            Outcome<byte[]> opened = receiver.open(aead, NOW, counter, wire, 16, wire.length - 16);
            if (counter < 5) {
                assertInstanceOf(Outcome.Ok.class, opened, "counter " + counter);
            } else {
                assertEquals(Outcome.dropped(DropReason.REPLAYED_COUNTER), opened, "counter 5 is at the limit");
            }
        }
    }
}
