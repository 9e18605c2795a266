package dev.wirelab.datapath.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wirelab.datapath.UapiReader;
import dev.wirelab.datapath.UapiRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * wg-quick files of any content (Jazzer; without JAZZER_FUZZ the committed inputs in
 * WgQuickReaderFuzzTestInputs/ run as plain tests). Reading may refuse a file only with a
 * ConfigException, which `wirelab up` prints as file, line and field; anything else would be a
 * stack trace. A file that reads is written back and read to the same configuration, and its UAPI
 * text is a set request the UAPI reader takes, so `wirelab up` never sends the device what it
 * would refuse.
 */
class WgQuickReaderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void onlyConfigExceptionEscapes(byte[] file) throws Exception {
        // As WgQuickReader.readText decodes a file: undecodable bytes become U+FFFD.
        String text = new String(file, StandardCharsets.UTF_8);
        WgQuickConfig config;
        try {
            WgQuickReader.strip("wg0.conf", text);
            config = WgQuickReader.parse("wg0.conf", text);
        } catch (ConfigException refused) {
            return;
        }
        assertEquals(config, WgQuickReader.parse("wg0.conf", WgQuickWriter.file(config)), WgQuickWriter.file(config));
        // Host names resolve to a documentation address; no DNS from a fuzz test.
        String set = WgQuickWriter.uapiSet(config, host -> InetAddress.getByAddress(host, new byte[] {(byte) 203, 0, 113, 7}));
        assertInstanceOf(UapiRequest.Set.class, UapiReader.parse(set), set);
    }
}
