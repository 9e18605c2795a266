package dev.wirelab.engine.transport;

import dev.wirelab.engine.Protocol;

/**
 * How many zero bytes follow a plaintext packet before encryption (whitepaper §5.4.6): up to the
 * next multiple of 16 to blur packet lengths, but never past the interface MTU, so padding alone
 * never makes a packet need fragmenting. Follows the kernel's calculate_skb_padding.
 */
public final class Padding {
    private Padding() {}

    /** @param mtu the tunnel MTU, or 0 when unknown (then pad to 16 unconditionally) */
    public static int paddingFor(int length, int mtu) {
        int multiple = Protocol.MESSAGE_PADDING_MULTIPLE;
        if (mtu <= 0) {
            return align(length, multiple) - length;
        }
        int lastUnit = length;
        if (lastUnit > mtu) {
            // A packet larger than the MTU (segmentation offload) is padded on its last segment.
            lastUnit %= mtu;
        }
        int padded = Math.min(mtu, align(lastUnit, multiple));
        return padded - lastUnit;
    }

    private static int align(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
