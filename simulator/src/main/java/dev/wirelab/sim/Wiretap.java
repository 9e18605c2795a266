package dev.wirelab.sim;

import dev.wirelab.engine.crypto.PublicKey;

/**
 * Sees what a packet capture and a key log need, where it happens: datagrams as they reach a host's
 * interface or leave it, and the secrets of each handshake a host initiates. Register one with
 * {@link Simulation#addWiretap}; {@link dev.wirelab.sim.capture.SimCapture} is the one that writes
 * pcap and keylog files.
 *
 * <p>Calls happen on the simulation's (single) thread, in event order, with the virtual time of
 * the event. A tap must not change the simulation: it only looks.
 *
 * <p>Security: {@link #initiation} hands out a host's static private key, the handshake's ephemeral
 * private key and the preshared key, in clear. That is the point (Wireshark needs them to decrypt)
 * and it is acceptable only because simulated keys protect nothing.
 */
public interface Wiretap {
    /**
     * {@code datagram} reached {@code host}'s interface (the host is up) at virtual {@code timeNanos},
     * with the addresses it has there (after any NAT). Called before the port is checked, so a
     * datagram to a closed port is seen too.
     */
    default void arrived(Host host, Datagram datagram, long timeNanos) {}

    /** {@code host} put {@code datagram} on its uplink at virtual {@code timeNanos} (before any loss). */
    default void departed(Host host, Datagram datagram, long timeNanos) {}

    /** {@code host} is about to send an initiation; {@code keys} decrypt that handshake and its session. */
    default void initiation(Host host, InitiatorKeys keys, long timeNanos) {}

    /**
     * What Wireshark's WireGuard dissector needs to decrypt one handshake from the initiator's side
     * (packet-wireguard.c): the initiator's static private key, the responder's static public key, the
     * initiation's ephemeral private key and the preshared key. Keys are base64 as {@code wg} prints them.
     *
     * @param peer                   the responder's static public key
     * @param localIndex             the initiator's sender index in this initiation
     * @param localStaticPrivate     the initiator's static private key
     * @param localEphemeralPrivate  the ephemeral private key of this initiation
     * @param presharedKey           the preshared key with this peer, or null when none (all zeros)
     */
    record InitiatorKeys(PublicKey peer, int localIndex, String localStaticPrivate, String localEphemeralPrivate,
            String presharedKey) {
        @Override
        public String toString() {
            return "InitiatorKeys[peer=" + peer + ", localIndex=" + Integer.toUnsignedString(localIndex)
                    + ", secrets redacted]";
        }
    }
}
