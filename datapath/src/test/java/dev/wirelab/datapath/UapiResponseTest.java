package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.RecordedEffects;
import org.junit.jupiter.api.Test;

class UapiResponseTest {
    private static final Keys DEVICE = Keys.of(2, "device");
    private static final Keys PEER = Keys.of(2, "peer");
    private static final String PSK = "0102030405060708091011121314151617181920212223242526272829303132";

    @Test
    void anEmptyDeviceSaysNothingButItsErrno() {
        Device device = new Device(Profile.REFERENCE, Crypto.fastest(), new DeterministicEntropy(2));
        assertEquals("", UapiResponse.get(device));
        assertEquals("errno=0\n\n", UapiResponse.errno(0));
        assertEquals("errno=-22\n\n", UapiResponse.errno(UapiErrno.EINVAL));
    }

    @Test
    void getListsDeviceThenPeersInWireguardGoOrder() {
        Device device = new Device(Profile.REFERENCE, Crypto.fastest(), new DeterministicEntropy(2));
        UapiRequest.Set set = (UapiRequest.Set) UapiReader.parse("set=1\n"
                + "private_key=" + DEVICE.privateHex() + "\n"
                + "listen_port=51820\n"
                + "fwmark=4294967295\n"
                + "public_key=" + PEER.publicHex() + "\n"
                + "preshared_key=" + PSK + "\n"
                + "endpoint=[2001:0db8:0:0::1]:51820\n"
                + "persistent_keepalive_interval=25\n"
                + "allowed_ip=10.0.0.2/32\n"
                + "allowed_ip=fd00:0::2/128\n"
                + "\n");
        device.apply(set.edit(), new Now(0, 0), new RecordedEffects());
        assertEquals("private_key=" + DEVICE.privateHex() + "\n"
                + "listen_port=51820\n"
                + "fwmark=4294967295\n"
                + "public_key=" + PEER.publicHex() + "\n"
                + "preshared_key=" + PSK + "\n"
                + "protocol_version=1\n"
                + "endpoint=[2001:db8::1]:51820\n"
                + "last_handshake_time_sec=0\n"
                + "last_handshake_time_nsec=0\n"
                + "tx_bytes=" + device.peers().getFirst().txBytes() + "\n"
                + "rx_bytes=0\n"
                + "persistent_keepalive_interval=25\n"
                + "allowed_ip=10.0.0.2/32\n"
                + "allowed_ip=fd00::2/128\n", UapiResponse.get(device));
    }

    @Test
    void aPeerWithoutEndpointOrPskShowsZerosAndNoEndpoint() {
        Device device = new Device(Profile.REFERENCE, Crypto.fastest(), new DeterministicEntropy(2));
        device.apply(((UapiRequest.Set) UapiReader.parse("set=1\npublic_key=" + PEER.publicHex() + "\n\n")).edit(),
                new Now(0, 0), new RecordedEffects());
        assertEquals("public_key=" + PEER.publicHex() + "\n"
                + "preshared_key=" + "0".repeat(64) + "\n"
                + "protocol_version=1\n"
                + "last_handshake_time_sec=0\n"
                + "last_handshake_time_nsec=0\n"
                + "tx_bytes=0\n"
                + "rx_bytes=0\n"
                + "persistent_keepalive_interval=0\n", UapiResponse.get(device));
    }
}
