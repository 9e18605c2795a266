package dev.wirelab.datapath.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.allowedips.Prefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WgQuickReaderTest {
    static final String PRIV = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    /** `wg pubkey` of PRIV. */
    static final String PUB_OF_PRIV = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";
    static final String PUB = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    static final String PSK = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=";

    @TempDir
    Path tmp;

    @Test
    void readsEveryKeyOfBothSections() throws Exception {
        WgQuickConfig c = WgQuickReader.parse("wg0.conf", """
                # a comment line
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                FwMark = 0x10
                Address = 192.0.2.1/24, fd00::1/64
                address = 198.51.100.7
                DNS = 192.0.2.53, fd00::53, example.com corp.example
                MTU = 1380
                Table = 1234
                PreUp = echo pre %%i   # hooks keep inner spaces
                PostUp = echo one
                PostUp = echo two
                PreDown = true
                PostDown = false
                SaveConfig = False

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                Endpoint = [fd00::2]:51820
                AllowedIPs = 10.0.0.7/24,fd00:2::/64
                AllowedIPs = 0.0.0.0/0
                PersistentKeepalive = 25

                [peer]
                publickey=%s
                endpoint = vpn.example.com:443
                persistentkeepalive = off
                """.formatted(PRIV, PUB, PSK, PSK));
        assertEquals("wg0", c.name());
        assertEquals(PRIV, c.privateKey().orElseThrow().base64());
        assertEquals(OptionalInt.of(51820), c.listenPort());
        assertEquals(OptionalLong.of(16), c.fwmark());
        assertEquals(List.of("192.0.2.1/24", "fd00::1/64", "198.51.100.7/32"),
                c.addresses().stream().map(InterfaceAddress::toString).toList());
        assertEquals(List.of("192.0.2.53", "fd00::53"), c.dns());
        assertEquals(List.of("example.com", "corp.example"), c.dnsSearch());
        assertEquals(OptionalInt.of(1380), c.mtu());
        assertEquals(new Table.Named("1234"), c.table());
        assertEquals(List.of("echo pre %i"), c.preUp());
        assertEquals(List.of("echo one", "echo two"), c.postUp());
        assertEquals(List.of("true"), c.preDown());
        assertEquals(List.of("false"), c.postDown());
        assertEquals(false, c.saveConfig());
        assertEquals(2, c.peers().size());
        PeerConfig p = c.peers().get(0);
        assertEquals(PUB, p.publicKey().base64());
        assertEquals(PSK, p.presharedKey().orElseThrow().base64());
        assertEquals(new EndpointAddress("fd00::2", 51820), p.endpoint().orElseThrow());
        // Host bits masked, as the kernel stores them.
        assertEquals(List.of(Prefix.parse("10.0.0.0/24"), Prefix.parse("fd00:2::/64"), Prefix.parse("0.0.0.0/0")),
                p.allowedIps());
        assertEquals(OptionalInt.of(25), p.persistentKeepalive());
        PeerConfig q = c.peers().get(1);
        assertEquals(new EndpointAddress("vpn.example.com", 443), q.endpoint().orElseThrow());
        assertEquals(OptionalInt.of(0), q.persistentKeepalive());
        assertEquals(Optional.empty(), q.presharedKey());
        assertEquals(List.of(), q.allowedIps());
    }

    @Test
    void wgKeysLoseEveryInnerSpaceAsWgDropsThem() throws Exception {
        String spaced = PUB.substring(0, 10) + " \t " + PUB.substring(10);
        WgQuickConfig c = WgQuickReader.parse("wg0.conf", "[ Peer ]\r\nPublic Key = " + spaced + "\r\nAllowed IPs = 10.0.0.1\r\n");
        assertEquals(PUB, c.peers().get(0).publicKey().base64());
        assertEquals(List.of(Prefix.parse("10.0.0.1/32")), c.peers().get(0).allowedIps());
    }

    @Test
    void emptyValuesMeanUnsetForWgQuickKeys() throws Exception {
        WgQuickConfig c = WgQuickReader.parse("wg0.conf", "[Interface]\nMTU =\nTable =\nDNS =\nAddress =\n");
        assertEquals(OptionalInt.empty(), c.mtu());
        assertEquals(Table.AUTO, c.table());
        assertEquals(List.of(), c.dns());
        assertEquals(List.of(), c.addresses());
        assertEquals(Table.OFF, WgQuickReader.parse("wg0.conf", "[Interface]\nTable = off\n").table());
        // wg-quick compares "off" case-sensitively: "Off" is a table name, passed on to ip.
        assertEquals(new Table.Named("Off"), WgQuickReader.parse("wg0.conf", "[Interface]\nTable = Off\n").table());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            [Peer]\\nPublicKey = AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==   | wg0.conf:2: PublicKey: not 32 bytes of base64 (got 31); generate one with `wirelab genkey | wirelab pubkey`
            [Peer]\\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dh=   | wg0.conf:2: PublicKey: not a canonical base64 key
            [Peer]\\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8D!=   | wg0.conf:2: PublicKey: not base64 (character 43 is '!'); generate one
            [Interface]\\nPrivateKey = abc                                      | wg0.conf:2: PrivateKey: not 32 bytes of base64 (got 2); generate one with `wirelab genkey`
            [Interface]\\nPrivateKey = abcde                                    | wg0.conf:2: PrivateKey: not base64 (5 characters; a key is 44 ending in '=')
            [Interface]\\n\\nListenPort = 65536                                 | wg0.conf:3: ListenPort: `65536' is not a UDP port number
            [Interface]\\nListenPort = 99999999999999999999999                  | wg0.conf:2: ListenPort: `99999999999999999999999' is not a UDP port
            [Interface]\\nListenPort = -1                                       | wg0.conf:2: ListenPort: `-1' is not
            [Interface]\\nFwMark = 0x1ffffffff                                  | wg0.conf:2: FwMark: `0x1ffffffff' is not a mark
            [Interface]\\nFwMark = 0x                                           | wg0.conf:2: FwMark:
            [Interface]\\nMTU = 1500x                                           | wg0.conf:2: MTU: `1500x' is not an MTU in 68..65535
            [Interface]\\nTable = main table                                    | wg0.conf:2: Table: `main table' is not off, auto
            [Interface]\\nSaveConfig = yes                                      | wg0.conf:2: SaveConfig: `yes' is neither true nor false
            [Interface]\\nAddress = 192.0.2.1/33                                | wg0.conf:2: Address: `192.0.2.1/33': the prefix length must be 0..32
            [Interface]\\nAddress = 192.0.2.256                                 | wg0.conf:2: Address: `192.0.2.256' is not an IP address
            [Interface]\\nDNS = 1.2.3                                           | wg0.conf:2: DNS: `1.2.3' is not an IP address of a DNS server
            [Interface]\\nDNS = a/b                                             | wg0.conf:2: DNS: `a/b' is neither
            [Interface]\\nListenPrt = 1                                         | wg0.conf:2: ListenPrt: unknown key in [Interface]; the keys are PrivateKey
            [Interface]\\nPublicKey = x                                         | wg0.conf:2: PublicKey: belongs in a [Peer] section
            [Peer]\\nAddress = 192.0.2.1                                        | wg0.conf:2: Address: belongs in the [Interface] section
            [Peer]\\nEndPoint = 192.0.2.1                                       | wg0.conf:2: EndPoint: `192.0.2.1' has no port
            [Peer]\\nEndpoint = [fd00::1:51820                                  | wg0.conf:2: Endpoint: `[fd00::1:51820' has no matching ']'
            [Peer]\\nEndpoint = [fd00::1]                                       | wg0.conf:2: Endpoint: `[fd00::1]' has no port
            [Peer]\\nEndpoint = host:http                                       | wg0.conf:2: Endpoint: `host:http': the port must be a number
            [Peer]\\nEndpoint = [fe80::1%eth0]:1                                | wg0.conf:2: Endpoint: `[fe80::1%eth0]:1': IPv6 zones
            [Peer]\\nEndpoint = 1.2.3.999:1                                     | wg0.conf:2: Endpoint: `1.2.3.999:1' does not start with an IP address or host name
            [Peer]\\nEndpoint = bad!host:1                                      | wg0.conf:2: Endpoint: `bad!host:1' does not start
            [Peer]\\nAllowedIPs = 10.0.0.0/8,,10.1.0.0/16                       | wg0.conf:2: AllowedIPs: `' is not an IP prefix
            [Peer]\\nAllowedIPs = 10.0.0.0/8/8                                  | wg0.conf:2: AllowedIPs: `10.0.0.0/8/8': the prefix length
            [Peer]\\nPersistentKeepalive = 65536                                | wg0.conf:2: PersistentKeepalive: `65536' is not seconds in 0..65535, or off
            [Peer]\\nAllowedIPs = 10.0.0.0/8                                    | wg0.conf:1: [Peer]: section has no PublicKey; add PublicKey
            PrivateKey = x                                                      | wg0.conf:1: PrivateKey: comes before any [Interface] or [Peer] section
            [Interface]\\nAddress                                               | wg0.conf:2: Address: no '=' in this line
            [Interfaces]                                                        | wg0.conf:1: [Interfaces]: unknown section
            [ Interface ]                                                       | wg0.conf:1: [ Interface ]: write the section header as [Interface]
            [Peer]=x                                                            | wg0.conf:1: [Peer]: unknown section
            """)
    void badLinesNameFileLineFieldAndFix(String text, String expected) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> WgQuickReader.parse("wg0.conf", text.replace("\\n", "\n")));
        assertTrue(e.getMessage().startsWith(expected), () -> "got: " + e.getMessage() + "\nwanted: " + expected);
    }

    @Test
    void fileNameMustBeAnInterfaceName() {
        ConfigException e = assertThrows(ConfigException.class, () -> WgQuickReader.parse("my-very-long-vpn-name.conf", ""));
        assertTrue(e.getMessage().startsWith("my-very-long-vpn-name.conf: the file name must be the interface name"),
                e.getMessage());
        assertThrows(ConfigException.class, () -> WgQuickReader.parse("wg0.cfg", ""));
    }

    @Test
    void keysDecodeExactlyAsWgDoes() {
        byte[] k = Base64.getDecoder().decode(PUB);
        assertEquals(Base64.getEncoder().encodeToString(k), Base64.getEncoder().encodeToString(Key.decodeBase64(PUB)));
        // Java's decoder takes these; wg does not.
        assertEquals(null, Key.decodeBase64(PUB.substring(0, 43))); // no padding
        assertEquals(null, Key.decodeBase64("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dh=")); // stray low bits
        assertEquals(null, Key.decodeBase64(PRIV.replace('+', '-'))); // URL alphabet
        assertTrue(Key.decodeBase64(PRIV) != null);
    }

    @Test
    void secretKeysDoNotPrint() throws Exception {
        WgQuickConfig c = WgQuickReader.parse("wg0.conf", "[Interface]\nPrivateKey = " + PRIV + "\n");
        assertTrue(!c.toString().contains(PRIV) && c.toString().contains("(hidden)"), c.toString());
    }

    @Test
    void warnsWhenOthersCanReadAsWgQuickDoes() throws IOException {
        Path file = tmp.resolve("wg0.conf");
        Files.writeString(file, "[Interface]\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.of("Warning: `" + file.toRealPath() + "' is world accessible"),
                WgQuickReader.worldAccessibleWarning(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.empty(), WgQuickReader.worldAccessibleWarning(file));
        // wg-quick ANDs file and directory modes: a readable file in a closed directory is not flagged.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx-----x"));
        assertEquals(Optional.empty(), WgQuickReader.worldAccessibleWarning(file));
    }

    @Test
    void readNamesAMissingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> WgQuickReader.read(tmp.resolve("wg9.conf")));
        assertTrue(e.getMessage().contains("wg9.conf: cannot read"), e.getMessage());
    }
}
