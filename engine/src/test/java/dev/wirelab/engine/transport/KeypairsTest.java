package dev.wirelab.engine.transport;

import dev.wirelab.engine.transport.KeypairLimits;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Now;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.SymmetricKey;
import org.junit.jupiter.api.Test;

/** The kernel's keypair rotation: current, previous, next, and key confirmation. */
class KeypairsTest {
    private static Keypair keypair(int index, boolean initiator) {
        return new Keypair(SymmetricKey.zero(), SymmetricKey.zero(), index, index + 100, initiator, 0,
                KeypairLimits.REFERENCE);
    }

    @Test
    void initiatorRotatesCurrentIntoPreviousAndDestroysTheOldPrevious() {
        Keypairs k = new Keypairs();
        Keypair a = keypair(1, true);
        Keypair b = keypair(2, true);
        Keypair c = keypair(3, true);
        k.add(a);
        assertSame(a, k.current());
        k.add(b);
        assertSame(b, k.current());
        assertSame(a, k.previous());
        k.add(c);
        assertSame(c, k.current());
        assertSame(b, k.previous());
        assertFalse(a.isValid(), "a keypair leaving all slots is destroyed");
        assertTrue(a.isDestroyed());
        assertFalse(b.isDestroyed(), "previous keeps its keys");
        assertSame(b, k.byLocalIndex(2));
        assertNull(k.byLocalIndex(1));
    }

    @Test
    void responderWaitsInNextUntilDataArrivesOnIt() {
        Keypairs k = new Keypairs();
        Keypair old = keypair(1, true);
        k.add(old);
        Keypair fresh = keypair(2, false);
        k.add(fresh);
        assertSame(old, k.current(), "until confirmed, the old keypair keeps sending");
        assertSame(fresh, k.next());
        assertNull(k.previous());
        assertFalse(k.receivedWith(old), "data on current confirms nothing");
        assertTrue(k.receivedWith(fresh));
        assertSame(fresh, k.current());
        assertSame(old, k.previous());
        assertNull(k.next());
    }

    @Test
    void initiatorHandshakeOverAnUnconfirmedNextKeepsNextAsPrevious() {
        Keypairs k = new Keypairs();
        Keypair current = keypair(1, true);
        Keypair next = keypair(2, false);
        Keypair mine = keypair(3, true);
        k.add(current);
        k.add(next);
        k.add(mine);
        assertSame(mine, k.current());
        assertSame(next, k.previous());
        assertNull(k.next());
        assertFalse(current.isValid());
        assertTrue(next.isValid());
    }

    @Test
    void clearDestroysAll() {
        Keypairs k = new Keypairs();
        Keypair a = keypair(1, true);
        Keypair b = keypair(2, false);
        k.add(a);
        k.add(b);
        k.clear();
        assertNull(k.current());
        assertNull(k.next());
        assertFalse(a.isValid());
        assertFalse(b.isValid());
    }

    @Test
    void anExpiredKeypairIsInvalidButKeepsItsKeysUntilDestroyed() {
        byte[] key = new byte[32];
        key[0] = 7;
        SymmetricKey sending = SymmetricKey.of(key);
        SymmetricKey receiving = SymmetricKey.of(key);
        Keypair k = new Keypair(sending, receiving, 1, 2, true, 0, KeypairLimits.REFERENCE);
        byte[] transport = new byte[32];
        long late = Protocol.REJECT_AFTER_TIME_NANOS + 1;
        k.open(Crypto.fastest().aead(), new Now(late, late), 0, transport, 16, 16);
        assertFalse(k.isValid(), "past REJECT_AFTER_TIME");
        assertFalse(k.isDestroyed(), "its keys are zeroed later, with its slot or the peer's key material");
        k.destroy();
        assertTrue(k.isDestroyed());
        assertTrue(sending.isZero() && receiving.isZero(), "destroy zeroes both keys");
    }
}
