package dev.wirelab.mutants;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.allowedips.AllowedIps;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.device.Effects;
import dev.wirelab.engine.ip.IpPacket;
import dev.wirelab.engine.transport.Keypair;
import dev.wirelab.engine.transport.Keypairs;

/**
 * The bodies of {@link Edit.Redirect} edits: faults that take more than a changed constant or call.
 * Each has the parameters of the engine method it replaces.
 */
public final class Faults {
    private Faults() {
    }

    /**
     * Device.drop, answering: every datagram the device drops gets a datagram back, as an
     * implementation that replies with an error message would (a scanner learns the port is live).
     */
    public static void drop(Effects out, DropReason reason, Endpoint from, PublicKey peer) {
        out.drop(reason, from);
        if (from != null) {
            out.send(from, new byte[] {4, 0, 0, 0});
        }
    }

    /**
     * Keypairs.receivedWith, keeping two keypairs instead of three: confirming the next keypair
     * destroys the current one instead of keeping it as previous, so packets still in flight on it
     * (sent just before the rekey) are rejected. The slots are private: reached by reflection.
     */
    public static boolean receivedWith(Keypairs self, Keypair keypair) {
        try {
            if (keypair == null || keypair != slot(self, "next").get(self)) {
                return false;
            }
            slot(self, "previous").set(self, null);
            slot(self, "current").set(self, keypair);
            slot(self, "next").set(self, null);
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Keypairs changed shape: " + e, e);
        }
    }

    private static java.lang.reflect.Field slot(Keypairs self, String name) throws NoSuchFieldException {
        java.lang.reflect.Field f = Keypairs.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /**
     * AllowedIps.lookupDestination, shortest prefix first: the owner of the shortest prefix that holds
     * the destination, as a list searched in insertion order of broad routes would give.
     */
    public static Object lookupDestination(AllowedIps<?> self, byte[] packet, int offset, int length) {
        byte[] destination = destination(packet, offset, length);
        if (destination == null) {
            return null;
        }
        for (int cidr = 0; cidr <= destination.length * 8; cidr++) {
            Object owner = self.owner(Prefix.of(destination, cidr));
            if (owner != null) {
                return owner;
            }
        }
        return null;
    }

    /**
     * AllowedIps.lookupDestination with a default route nobody configured: a destination no prefix
     * holds goes to the peer owning the nearest address in the same /24 (or /120), instead of nowhere.
     */
    public static Object lookupDestinationOrNearest(AllowedIps<?> self, byte[] packet, int offset, int length) {
        byte[] destination = destination(packet, offset, length);
        if (destination == null) {
            return null;
        }
        int last = destination.length - 1;
        int own = destination[last] & 0xff;
        for (int distance = 0; distance < 256; distance++) {
            for (int candidate : new int[] {own - distance, own + distance}) {
                if (candidate >= 0 && candidate < 256) {
                    byte[] near = destination.clone();
                    near[last] = (byte) candidate;
                    Object owner = self.lookup(near);
                    if (owner != null) {
                        return owner;
                    }
                }
            }
        }
        return null;
    }

    private static byte[] destination(byte[] packet, int offset, int length) {
        int version = IpPacket.version(packet, offset, length);
        if (version == 0) {
            return null;
        }
        int at = offset + IpPacket.destinationOffset(version);
        return java.util.Arrays.copyOfRange(packet, at, at + IpPacket.addressLength(version));
    }
}
