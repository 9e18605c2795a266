package dev.wirelab.engine;

/**
 * Why the engine dropped something. Every silent drop carries one, so traces and counters can
 * say what happened where the wire shows nothing.
 */
public enum DropReason {
    // Parsing (message codec)
    EMPTY_DATAGRAM("datagram is empty"),
    UNKNOWN_MESSAGE_TYPE("first 4 bytes are not a known message type (type 1-4, reserved bytes zero)"),
    BAD_MESSAGE_LENGTH("length does not fit the message type"),
    // Cookie layer
    BAD_MAC1("mac1 does not verify: not meant for this device or corrupted"),
    BAD_MAC2("under load and mac2 missing or invalid: answered with a cookie reply instead"),
    RATE_LIMITED("source sent handshake messages faster than the rate limit"),
    BAD_COOKIE_REPLY("cookie reply does not decrypt with the mac1 we last sent"),
    // Handshake
    HANDSHAKE_DECRYPTION_FAILED("handshake field did not decrypt: wrong keys or tampered"),
    UNKNOWN_PEER("initiation from a static key that is not a configured peer"),
    LOW_ORDER_KEY("Diffie-Hellman result is all zero: low-order public key"),
    REPLAYED_INITIATION("initiation timestamp is not newer than the greatest seen from this peer"),
    INITIATION_FLOOD("more than 50 initiations per second from this peer"),
    UNEXPECTED_HANDSHAKE_STATE("message does not fit the handshake's state (no initiation outstanding)"),
    UNKNOWN_RECEIVER_INDEX("receiver index names no handshake or keypair of ours"),
    // Transport
    TRANSPORT_DECRYPTION_FAILED("transport data did not authenticate"),
    REPLAYED_COUNTER("counter already seen or older than the replay window"),
    KEYPAIR_EXPIRED("keypair is older than REJECT_AFTER_TIME or used up REJECT_AFTER_MESSAGES"),
    NO_KEYPAIR("no valid keypair to send with"),
    INNER_PACKET_MALFORMED("packet is not an IPv4/IPv6 packet of consistent length"),
    INNER_SOURCE_NOT_ALLOWED("decrypted packet's source address is not in the sending peer's AllowedIPs"),
    // Device
    NO_PRIVATE_KEY("the device has no private key: it cannot take part in handshakes"),
    NO_ROUTE("no peer's AllowedIPs contain the destination"),
    NO_ENDPOINT("the peer has no endpoint yet: configure one or wait for it to connect"),
    STAGED_QUEUE_FULL("more than 128 packets waiting for a handshake: the oldest was dropped"),
    HANDSHAKE_GAVE_UP("no handshake completed within REKEY_ATTEMPT_TIME: waiting packets were dropped"),
    HANDSHAKE_QUEUE_FULL("the datapath's queue of handshake messages waiting for the device was full");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
