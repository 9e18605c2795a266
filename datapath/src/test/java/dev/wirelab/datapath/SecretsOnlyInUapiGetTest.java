package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.datapath.config.ConfigException;
import dev.wirelab.datapath.config.WgQuickReader;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.RecordedEffects;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the private and preshared keys may appear in text: in the reply to a UAPI get, where `wg
 * showconf` needs them, and nowhere else the datapath writes: not the parsed request, the device's
 * peers, nor the refusals UapiServer logs and wg-quick style errors print, even when a client sends
 * a key on a line the reader cannot take.
 */
class SecretsOnlyInUapiGetTest {
    private static final Keys DEVICE = Keys.of(7, "device");
    private static final Keys PEER = Keys.of(7, "peer");
    private static final String PSK = "5a".repeat(16) + "a5".repeat(16);

    @Test
    void getShowsTheKeysAndNothingElseDoes() {
        Device device = new Device(Profile.REFERENCE, Crypto.fastest(), new DeterministicEntropy(7));
        UapiRequest request = UapiReader.parse("set=1\nprivate_key=" + DEVICE.privateHex() + "\npublic_key="
                + PEER.publicHex() + "\npreshared_key=" + PSK + "\nallowed_ip=10.0.0.0/8\n\n");
        UapiRequest.Set set = assertInstanceOf(UapiRequest.Set.class, request);
        assertFree(set.toString());
        device.apply(set.edit(), new Now(1, 1), new RecordedEffects());
        String get = UapiResponse.get(device);
        assertTrue(get.contains("private_key=" + DEVICE.privateHex() + "\n"), get);
        assertTrue(get.contains("preshared_key=" + PSK + "\n"), get);
        assertFree(device.peers().toString() + device.identity() + device.peers().get(0).presharedKey());
    }

    @Test
    void refusedLinesDoNotQuoteKeys() {
        for (String request : List.of(
                // set=1 forgotten: the key line is read as the operation.
                "private_key=" + DEVICE.privateHex() + "\n\n",
                // The '=' lost, or a typo in the key name, or one digit too many.
                "set=1\nprivate_key" + DEVICE.privateHex() + "\n\n",
                "set=1\nprivatekey=" + DEVICE.privateHex() + "\n\n",
                "set=1\nprivate_key=" + DEVICE.privateHex() + "0\n\n",
                "set=1\npublic_key=" + PEER.publicHex() + "\npreshared_key" + PSK + "\n\n",
                "set=1\npublic_key=" + PEER.publicHex() + "\npreshared_key=" + PSK + "x\n\n")) {
            UapiRequest.Rejected rejected = assertInstanceOf(UapiRequest.Rejected.class, UapiReader.parse(request), request);
            assertFree(rejected.reason() + " " + rejected);
        }
    }

    @Test
    void configErrorsDoNotQuoteKeys() {
        String b64 = Base64.getEncoder().encodeToString(DEVICE.privateKey().secretBytes());
        for (String file : List.of(
                "[Interface]\nPrivateKey " + b64 + "\n",
                "[Interface]\n" + b64 + "\n",
                "[Interface]\nPrivateKey = " + b64.substring(1) + "\n",
                "[Interface]\nPrivateKey = " + b64.replace('=', '!') + "\n")) {
            ConfigException e = assertThrows(ConfigException.class, () -> WgQuickReader.parse("wg0.conf", file));
            assertFree(e.getMessage());
        }
    }

    /** Neither key, in hex or base64, nor any 16-character piece of either. */
    private static void assertFree(String text) {
        for (byte[] secret : List.of(DEVICE.privateKey().secretBytes(), HexFormat.of().parseHex(PSK))) {
            for (String form : List.of(HexFormat.of().formatHex(secret), Base64.getEncoder().encodeToString(secret))) {
                for (int i = 0; i + 16 <= form.length(); i++) {
                    assertFalse(text.contains(form.substring(i, i + 16)), () -> "key material in: " + text);
                }
            }
        }
    }
}
