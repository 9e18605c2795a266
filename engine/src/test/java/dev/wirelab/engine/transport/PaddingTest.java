package dev.wirelab.engine.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PaddingTest {
    @Test
    void padsToSixteen() {
        assertEquals(0, Padding.paddingFor(0, 1420), "a keepalive stays empty");
        assertEquals(15, Padding.paddingFor(1, 1420));
        assertEquals(0, Padding.paddingFor(16, 1420));
        assertEquals(12, Padding.paddingFor(100, 1420));
    }

    @Test
    void neverPastTheMtu() {
        // 1415 would pad to 1424, past an MTU of 1420: stop at the MTU.
        assertEquals(5, Padding.paddingFor(1415, 1420));
        assertEquals(0, Padding.paddingFor(1420, 1420));
        assertEquals(1, Padding.paddingFor(1419, 1420));
    }

    @Test
    void packetsLargerThanTheMtuPadTheirLastSegment() {
        // 1500 % 1420 = 80, already a multiple of 16.
        assertEquals(0, Padding.paddingFor(1500, 1420));
        // 1430 % 1420 = 10 -> 6 bytes.
        assertEquals(6, Padding.paddingFor(1430, 1420));
    }

    @Test
    void unknownMtuPadsUnconditionally() {
        // Without an MTU, 1423 pads to 1424 and 1425 to 1440, whatever the size.
        assertEquals(1, Padding.paddingFor(1423, 0));
        assertEquals(15, Padding.paddingFor(1425, 0));
    }
}
