package dev.wirelab.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;

/**
 * Garbage datagrams for a WireGuard port: random lengths below 256 and random bytes, three in four
 * with a forged message type (1 to 4, reserved bytes zero) in front so they get past the type check
 * into the parsers behind it.
 */
final class Garbage {
    private Garbage() {}

    /**
     * Sends {@code count} of them from {@code channel} to {@code target}. Blocking sends: a full send
     * buffer puts this thread to sleep, so the kernel's softirq work on this core (delivering the
     * datagrams) is not starved by spinning.
     */
    static void send(DatagramChannel channel, InetSocketAddress target, int count, Random random) throws IOException {
        byte[] bytes = new byte[256];
        for (int i = 0; i < count; i++) {
            int length = random.nextInt(bytes.length);
            random.nextBytes(bytes);
            if (length >= 4 && i % 4 != 0) {
                bytes[0] = (byte) (1 + random.nextInt(4));
                bytes[1] = bytes[2] = bytes[3] = 0;
            }
            channel.send(ByteBuffer.wrap(bytes, 0, length), target);
        }
    }
}
