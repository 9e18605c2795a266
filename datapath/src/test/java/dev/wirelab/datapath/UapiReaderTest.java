package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UapiReaderTest {
    private static final Keys DEVICE = Keys.of(1, "device");
    private static final Keys PEER = Keys.of(1, "peer");
    private static final Keys OTHER = Keys.of(1, "other");
    private static final String PSK = "0102030405060708091011121314151617181920212223242526272829303132";

    @Test
    void getIsGetFollowedByAnEmptyLine() {
        assertInstanceOf(UapiRequest.Get.class, UapiReader.parse("get=1\n\n"));
        assertNull(UapiReader.parse(""));
    }

    @Test
    void setTakesEveryDeviceAndPeerKey() {
        DeviceEdit edit = set("set=1\n"
                + "private_key=" + DEVICE.privateHex() + "\n"
                + "listen_port=51820\n"
                + "fwmark=4294967295\n"
                + "replace_peers=true\n"
                + "public_key=" + PEER.publicHex() + "\n"
                + "update_only=true\n"
                + "preshared_key=" + PSK + "\n"
                + "endpoint=192.0.2.2:51820\n"
                + "persistent_keepalive_interval=25\n"
                + "replace_allowed_ips=true\n"
                + "allowed_ip=10.0.0.2/32\n"
                + "allowed_ip=fd00::2/128\n"
                + "protocol_version=1\n"
                + "public_key=" + OTHER.publicHex() + "\n"
                + "remove=true\n"
                + "\n");
        assertArrayEquals(DEVICE.privateKey().secretBytes(), edit.privateKey().secretBytes());
        assertFalse(edit.removePrivateKey());
        assertEquals(51820, edit.listenPort());
        assertEquals(-1, edit.fwmark()); // 0xffffffff, a uint32 in an int
        assertTrue(edit.replacePeers());
        assertEquals(2, edit.peers().size());
        PeerEdit peer = edit.peers().get(0);
        assertEquals(PEER.publicKey(), peer.publicKey());
        assertFalse(peer.remove());
        assertTrue(peer.updateOnly());
        assertEquals(PSK, Bytes.of(peer.presharedKey().secretBytes()).hex());
        assertEquals(new Endpoint(Bytes.of(new byte[] {(byte) 192, 0, 2, 2}), 51820), peer.endpoint());
        assertEquals(25, peer.persistentKeepaliveSeconds());
        assertTrue(peer.replaceAllowedIps());
        assertEquals(List.of(Prefix.parse("10.0.0.2/32"), Prefix.parse("fd00::2/128")), peer.allowedIps());
        PeerEdit other = edit.peers().get(1);
        assertEquals(OTHER.publicKey(), other.publicKey());
        assertTrue(other.remove());
    }

    @Test
    void absentKeysLeaveThingsAsTheyAre() {
        DeviceEdit edit = set("set=1\npublic_key=" + PEER.publicHex() + "\n\n");
        assertNull(edit.privateKey());
        assertNull(edit.listenPort());
        assertNull(edit.fwmark());
        assertFalse(edit.replacePeers());
        PeerEdit peer = edit.peers().getFirst();
        assertNull(peer.presharedKey());
        assertNull(peer.endpoint());
        assertNull(peer.persistentKeepaliveSeconds());
        assertFalse(peer.replaceAllowedIps());
        assertEquals(List.of(), peer.allowedIps());
    }

    @Test
    void anAllZeroPrivateKeyRemovesIt() {
        DeviceEdit edit = set("set=1\nprivate_key=" + "0".repeat(64) + "\n\n");
        assertTrue(edit.removePrivateKey());
        assertNull(edit.privateKey());
    }

    @Test
    void keysMayBeUpperCaseHexAsWireguardGoTakesThem() {
        DeviceEdit edit = set("set=1\npublic_key=" + PEER.publicHex().toUpperCase() + "\n\n");
        assertEquals(PEER.publicKey(), edit.peers().getFirst().publicKey());
    }

    @Test
    void ipv6EndpointsAreBracketed() {
        assertEquals("[2001:db8::1]:51820", endpointOf("[2001:db8::1]:51820"));
        assertEquals("[::ffff:192.0.2.1]:1", endpointOf("[::ffff:192.0.2.1]:1"));
        assertEquals("0.0.0.0:0", endpointOf("0.0.0.0:0"));
        assertEquals("255.255.255.255:65535", endpointOf("255.255.255.255:65535"));
        assertEquals(16, UapiReader.endpoint("[2001:db8::1]:51820").address().length());
    }

    private static String endpointOf(String text) {
        return UapiResponse.endpoint(set("set=1\npublic_key=" + PEER.publicHex() + "\nendpoint=" + text + "\n\n")
                .peers().getFirst().endpoint());
    }

    /** Every way a line can be wrong: EINVAL (or EPROTO), nothing parsed, and the connection still in step. */
    @ParameterizedTest
    @ValueSource(strings = {
        "bogus=1",                                   // unknown device key
        "endpoint=192.0.2.1:1",                      // a peer key before any public_key
        "private_key=abc",                           // too short
        "private_key=zz02030405060708091011121314151617181920212223242526272829303132", // not hex
        "private_key=" + PSK + "00",                 // too long
        "public_key=" + PSK + "\nlisten_port=1",     // a device key in a peer section
        "public_key=" + PSK + "\nbogus=1",           // unknown peer key
        "public_key=g102030405060708091011121314151617181920212223242526272829303132",
        "listen_port=65536",
        "listen_port=-1",
        "listen_port=+1",
        "listen_port=",
        "listen_port= 1",
        "listen_port=99999999999999999999999999",    // huge
        "fwmark=4294967296",
        "fwmark=0x10",
        "replace_peers=false",
        "replace_peers=TRUE",
        "public_key=" + PSK + "\nremove=false",
        "public_key=" + PSK + "\nupdate_only=1",
        "public_key=" + PSK + "\nreplace_allowed_ips=yes",
        "public_key=" + PSK + "\npreshared_key=00",
        "public_key=" + PSK + "\npersistent_keepalive_interval=65536",
        "public_key=" + PSK + "\nprotocol_version=2",
        "public_key=" + PSK + "\nallowed_ip=10.0.0.0/33",
        "public_key=" + PSK + "\nallowed_ip=10.0.0.1",
        "public_key=" + PSK + "\nallowed_ip=example.com/32",
        "public_key=" + PSK + "\nallowed_ip=010.0.0.0/8",
        "public_key=" + PSK + "\nendpoint=example.com:51820",
        "public_key=" + PSK + "\nendpoint=192.0.2.1",
        "public_key=" + PSK + "\nendpoint=192.0.2.1:65536",
        "public_key=" + PSK + "\nendpoint=192.0.2.256:1",
        "public_key=" + PSK + "\nendpoint=2001:db8::1:51820",
        "public_key=" + PSK + "\nendpoint=[2001:db8::1]51820",
        "public_key=" + PSK + "\nendpoint=[192.0.2.1]:1",
        "public_key=" + PSK + "\nendpoint=[fe80::1%eth0]:51820",
        "public_key=" + PSK + "\nendpoint=192.0.2.1/32:1",
        "no equals sign",
        "public_key=" + PSK + "\nallowed_ip=10.0.0.1/32\r",
    })
    void aBadLineRefusesTheWholeRequestAndTheNextRequestStillReads(String lines) throws IOException {
        // A good line first: it may not come through either.
        UapiReader reader = reader("set=1\nlisten_port=1\n" + lines + "\n\nget=1\n\n");
        UapiRequest.Rejected rejected = assertInstanceOf(UapiRequest.Rejected.class, reader.next());
        int expected = lines.equals("no equals sign") ? UapiErrno.EPROTO : UapiErrno.EINVAL;
        assertEquals(expected, rejected.errno(), rejected.reason());
        assertFalse(rejected.closeConnection());
        assertInstanceOf(UapiRequest.Get.class, reader.next());
        assertNull(reader.next());
    }

    @Test
    void aLineLongerThanTheBoundRefusesAndClosesTheConnection() throws IOException {
        UapiReader reader = reader("set=1\nlisten_port=" + "1".repeat(UapiReader.MAX_LINE_BYTES) + "\n\n");
        UapiRequest.Rejected rejected = assertInstanceOf(UapiRequest.Rejected.class, reader.next());
        assertEquals(UapiErrno.EINVAL, rejected.errno());
        assertTrue(rejected.closeConnection());
        assertTrue(rejected.reason().contains("line longer than"), rejected.reason());
    }

    @Test
    void aLineAtTheBoundIsReadAndJudgedOnItsValue() {
        String value = "1".repeat(UapiReader.MAX_LINE_BYTES - "listen_port=".length());
        UapiRequest.Rejected rejected = assertInstanceOf(UapiRequest.Rejected.class,
                UapiReader.parse("set=1\nlisten_port=" + value + "\n\n"));
        assertFalse(rejected.closeConnection());
    }

    @Test
    void aRequestLargerThanTheBoundRefusesAndCloses() throws IOException {
        StringBuilder sb = new StringBuilder("set=1\npublic_key=" + PEER.publicHex() + "\n");
        String line = "allowed_ip=10.0.0.1/32\n";
        while (sb.length() <= UapiReader.MAX_REQUEST_BYTES) {
            sb.append(line);
        }
        sb.append('\n');
        UapiRequest.Rejected rejected = assertInstanceOf(UapiRequest.Rejected.class, reader(sb.toString()).next());
        assertTrue(rejected.closeConnection());
        assertTrue(rejected.reason().contains("request longer than"), rejected.reason());
    }

    @Test
    void aRequestCutOffBeforeItsEmptyLineIsRefused() throws IOException {
        UapiRequest.Rejected rejected = assertInstanceOf(UapiRequest.Rejected.class,
                reader("set=1\nlisten_port=1\n").next());
        assertEquals(UapiErrno.EPROTO, rejected.errno());
        assertTrue(rejected.closeConnection());
    }

    @Test
    void anUnknownOperationOrAGetWithTrailingLinesCloses() throws IOException {
        UapiRequest.Rejected op = assertInstanceOf(UapiRequest.Rejected.class, reader("get=2\n\n").next());
        assertTrue(op.closeConnection());
        UapiRequest.Rejected get = assertInstanceOf(UapiRequest.Rejected.class, reader("get=1\nx=1\n\n").next());
        assertTrue(get.closeConnection());
    }

    @Test
    void requestsFollowOneAnotherOnOneStream() throws IOException {
        UapiReader reader = reader("get=1\n\nset=1\nlisten_port=7\n\nget=1\n\n");
        assertInstanceOf(UapiRequest.Get.class, reader.next());
        assertEquals(7, assertInstanceOf(UapiRequest.Set.class, reader.next()).edit().listenPort());
        assertInstanceOf(UapiRequest.Get.class, reader.next());
        assertNull(reader.next());
    }

    private static DeviceEdit set(String text) {
        UapiRequest request = UapiReader.parse(text);
        if (request instanceof UapiRequest.Rejected r) {
            throw new AssertionError("refused: " + r.reason());
        }
        return assertInstanceOf(UapiRequest.Set.class, request).edit();
    }

    private static UapiReader reader(String text) {
        return new UapiReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
