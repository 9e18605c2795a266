package dev.wirelab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.allowedips.AllowedIps;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.noise.NoiseTrace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page in Debian's headless Chromium, driven by Playwright the way a user would: keyboard
 * through the handshake, route an address, hover a byte of a packet, run a scenario. What the page
 * shows is compared with the engine computing on its own. Screenshots go to target/screenshots.
 */
class VizBrowserTest {
    /** Debian's chromium package (.ci/run installs it); Playwright's own browser downloads are off. */
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Fixed seed and wall clock: the page then shows exactly what the engine computes here. */
    static final long SEED = 7;
    static final long TIME = 1_767_225_600_000_000_000L;

    private static VizServer server;
    private static Playwright playwright;
    private static Browser browser;
    private BrowserContext context;
    private Page page;

    @BeforeAll
    static void start() {
        server = new VizServer().start("127.0.0.1", 0);
        playwright = Playwright.create();
        // Without the background-networking flags Chromium keeps trying to reach Google's services
        // from a closed network; Playwright gives every launch a fresh temporary profile.
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }

    @AfterAll
    static void stop() {
        browser.close();
        playwright.close();
        server.close();
    }

    @BeforeEach
    void open() {
        // A laptop screen.
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1366, 900));
        page = context.newPage();
    }

    @AfterEach
    void close() {
        context.close();
    }

    private void load(String hash) {
        page.navigate("http://127.0.0.1:" + server.port() + "/?seed=" + SEED + "&time=" + TIME + "&psk=false" + hash);
        page.waitForSelector("body[data-ready=true]");
    }

    private void screenshot(Locator what, String name) {
        what.screenshot(new Locator.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")));
    }

    private String text(String testId) {
        return page.getByTestId(testId).textContent();
    }

    @Test
    void steppingThroughTheHandshakeWithTheKeyboardShowsTheEnginesChainingKeyAndHash() {
        // The engine on its own: same seed, same clock, the indices the lab draws.
        EnginePair pair = new EnginePair(SEED, false);
        int[] idx = Lab.indices(SEED);
        List<NoiseStep> is = new ArrayList<>();
        List<NoiseStep> rs = new ArrayList<>();
        pair.handshake(new Now(0, TIME), idx[0], idx[1], NoiseTrace.collecting(is), NoiseTrace.collecting(rs));

        load("#handshake/0");
        assertEquals(pair.identityI.publicKey().base64(), text("initiator-public"));
        assertEquals(pair.identityR.publicKey().base64(), text("responder-public"));
        page.locator("#handshake").focus();
        for (int n = 1; n <= 11; n++) {
            page.keyboard().press("ArrowRight");
            assertEquals("step " + n + " / 11", text("hs-counter"));
            // Step 6 (mac1, mac2) leaves C and H as step 5 made them; 7-11 are the responder's.
            NoiseStep engine = n <= 6 ? is.get(Math.min(n, 5) - 1) : rs.get(n - 2);
            assertEquals(engine.chainingKeyAfter().hex(), text("hs-c-after"), "C after step " + n);
            assertEquals(engine.hashAfter().hex(), text("hs-h-after"), "H after step " + n);
            if (n != 6) {
                assertEquals(engine.chainingKeyBefore().hex(), text("hs-c-before"), "C before step " + n);
                assertEquals(engine.hashBefore().hex(), text("hs-h-before"), "H before step " + n);
            }
            if (n == 5) {
                screenshot(page.locator("#handshake"), "handshake-step-5");
            }
        }
        assertTrue(page.url().endsWith("#handshake/11"), page.url());
        // The message being built: by step 11 every byte of the response is filled in.
        assertEquals(0, page.locator("#hs-bytes .b.empty").count());
        assertEquals(92, page.locator("#hs-bytes .b").count());
        page.keyboard().press("ArrowLeft");
        assertEquals("step 10 / 11", text("hs-counter"));
        screenshot(page.locator("#handshake"), "handshake-step-10");

        // A deep link opens its step, with its values, and the initiation half built.
        load("#handshake/3");
        assertEquals("step 3 / 11", text("hs-counter"));
        assertEquals(is.get(2).hashAfter().hex(), text("hs-h-after"));
        assertEquals(148 - 28 - 16 - 16, page.locator("#hs-bytes .b:not(.empty)").count(),
                "type, reserved, sender index, ephemeral and encrypted static are filled; timestamp and macs not yet");
    }

    @Test
    void routingAnAddressHighlightsTheTriesWinnerAndFollowsEdits() {
        load("#routing");
        AllowedIps<String> trie = new AllowedIps<>();
        for (RoutingView.PeerRow row : RoutingView.defaultTable()) {
            row.allowedIps().forEach(p -> trie.insert(Prefix.parse(p), row.name()));
        }
        for (String address : new String[] {"10.0.0.5", "10.0.0.200", "8.8.8.8", "fd00::5"}) {
            page.getByTestId("route-address").fill(address);
            page.getByTestId("route-address").press("Enter");
            String expected = trie.lookup(RoutingView.address(address));
            page.waitForFunction("a => document.querySelector('[data-testid=route-result]').textContent.startsWith(a + ' → ')", address);
            assertTrue(text("route-result").startsWith(address + " → " + expected + " "), text("route-result"));
            Locator winner = page.locator("#route-table tr.winner");
            assertEquals(1, winner.count(), address);
            assertEquals(expected, winner.locator("input.name").inputValue());
            if (address.equals("10.0.0.200")) {
                assertEquals("10.0.0.128/25 ✓", winner.locator(".prefix.win").textContent());
                screenshot(page.locator("#routing"), "routing-longest-prefix");
            }
        }
        // Edit the table: without the office's /25, 10.0.0.200 falls back to the server's /24.
        page.locator("#route-table tbody tr").nth(1).locator("input.ips").fill("192.168.10.0/24");
        page.getByTestId("route-address").fill("10.0.0.200");
        page.getByTestId("route-address").press("Enter");
        page.waitForFunction("() => document.querySelector('[data-testid=route-result]').textContent.includes('VPN server')");
        assertEquals("VPN server", page.locator("#route-table tr.winner input.name").inputValue());
        // No entry at all: no route, nothing highlighted.
        page.locator("#route-table tbody tr").nth(2).locator("input.ips").fill("");
        page.getByTestId("route-address").fill("8.8.8.8");
        page.getByTestId("route-address").press("Enter");
        page.waitForFunction("() => document.querySelector('[data-testid=route-result]').textContent.includes('no route')");
        assertEquals(0, page.locator("#route-table tr.winner").count());
    }

    @Test
    void hoveringAByteOfTheJourneyExplainsItsField() {
        load("#journey/4");
        assertEquals("step 4 / 8", text("journey-counter"));
        // Byte 8 of the transport message is the first of its 8-byte counter.
        page.locator("#journey-bytes .b[data-offset='8']").hover();
        assertTrue(text("journey-explain").startsWith("counter · bytes 8–15 (8)"), text("journey-explain"));
        assertEquals(8, page.locator("#journey-bytes .b.hi").count());
        screenshot(page.locator("#journey"), "journey-counter-hover");

        page.locator("#journey").focus();
        for (int i = 0; i < 4; i++) {
            page.keyboard().press("ArrowRight");
        }
        assertEquals("step 8 / 8", text("journey-counter"));
        String checks = page.locator("#journey-values").textContent();
        assertTrue(checks.contains("accepted") && checks.contains("dropped, REPLAYED_COUNTER"), checks);
        page.locator("#journey-bytes .b[data-offset='12']").hover();
        assertTrue(text("journey-explain").startsWith("source address"), text("journey-explain"));
        screenshot(page.locator("#journey"), "journey-delivered");
    }

    @Test
    void aScenarioRunsAndItsFirstMessageOpensAnnotated() {
        load("#lab");
        page.getByTestId("lab-scenario").selectOption("basic-handshake");
        page.locator("#lab-form button[type=submit]").click();
        page.waitForSelector("[data-testid=lab-summary]");
        assertTrue(text("lab-summary").startsWith("basic-handshake, seed 1: every expectation holds"), text("lab-summary"));
        Locator first = page.locator("#lab-diagram .msg").first();
        assertTrue(first.getAttribute("aria-label").startsWith("initiation from alice to bob"), first.getAttribute("aria-label"));
        first.focus();
        page.keyboard().press("Enter");
        page.waitForFunction("() => document.getElementById('lab-bytes').children.length > 0");
        assertEquals(148, page.locator("#lab-bytes .b").count());
        page.locator("#lab-bytes .b[data-offset='116']").hover();
        assertTrue(page.locator("#lab-explain").textContent().startsWith("mac1"), page.locator("#lab-explain").textContent());
        screenshot(page.locator("#lab"), "scenario-basic-handshake");

        // Section 5's roaming card plays its scenario in the lab: the server learns the new endpoint.
        page.locator("[data-play=roaming-client]").click();
        page.waitForFunction("() => document.querySelector('[data-testid=lab-summary]')?.textContent.startsWith('roaming-client')");
        assertTrue(text("lab-summary").contains("every expectation holds"), text("lab-summary"));
        assertTrue(page.locator("#lab-diagram").textContent().contains("endpoint"), "the endpoint change is drawn");
    }

    /**
     * A run that takes seconds streams over the WebSocket: the lab counts its records and virtual
     * time while the simulator works, then draws it. boringtun-global-rate-limit (300 spokes, ~18,000
     * records, 1-2 s of simulation) is the longest built-in scenario that is quick enough for CI.
     */
    @Test
    void aLongRunShowsItsProgressThenItsDiagram() {
        load("#lab");
        page.getByTestId("lab-scenario").selectOption("boringtun-global-rate-limit");
        page.locator("#lab-form button[type=submit]").click();
        Locator progress = page.getByTestId("lab-progress");
        assertTrue(page.locator("#lab-downloads").isHidden(), "no run, no files yet");
        // Progress comes every 2,000 records: wait for one past 10,000, well into the run.
        page.waitForFunction("() => /simulating… [0-9]{2,},[0-9]{3} /.test(document.querySelector('[data-testid=lab-progress]')?.textContent)");
        String shown = progress.textContent();
        assertTrue(shown.matches("simulating… [0-9,]+ trace records, t = [0-9]+\\.[0-9] s virtual"), shown);
        screenshot(page.locator("#lab"), "lab-progress-boringtun-global-rate-limit");
        page.waitForFunction("() => document.querySelector('[data-testid=lab-summary]')?.textContent.startsWith('boringtun-global-rate-limit')",
                null, new Page.WaitForFunctionOptions().setTimeout(120_000));
        long counted = Long.parseLong(shown.replaceAll("^simulating… ([0-9,]+) .*$", "$1").replace(",", ""));
        long records = Long.parseLong(text("lab-summary").replaceAll("^.* · ([0-9]+) trace records.*$", "$1"));
        assertTrue(counted > 0 && counted <= records, counted + " counted while running, " + records + " in the end");
        assertEquals(0, page.getByTestId("lab-progress").count(), "the progress line gives way to the result");
        assertTrue(page.locator("#lab-diagram .msg").count() > 100, "the diagram is drawn");
        screenshot(page.locator("#lab"), "lab-after-progress-boringtun-global-rate-limit");
    }

    @Test
    void aRunCutByTheServersBudgetSaysWhyAndShowsWhatItDid() {
        try (VizServer small = new VizServer(new RunBudget(3_000, 60_000, RunBudget.DEFAULT.heapShareMax()), 2)
                .start("127.0.0.1", 0)) {
            page.navigate("http://127.0.0.1:" + small.port() + "/?seed=" + SEED + "&time=" + TIME + "&psk=false#lab");
            page.waitForSelector("body[data-ready=true]");
            page.getByTestId("lab-scenario").selectOption("boringtun-global-rate-limit");
            page.locator("#lab-form button[type=submit]").click();
            page.waitForSelector("[data-testid=lab-cut]");
            String said = text("lab-cut");
            assertTrue(said.startsWith("boringtun-global-rate-limit, seed 1: cut short — reached the budget of 3000 trace records, at t = "),
                    said);
            assertTrue(said.contains("(3000 trace records); no expectation was judged"), said);
            assertEquals(0, page.getByTestId("lab-summary").count(), "a cut run has no verdict line");
            assertTrue(page.locator("#lab-diagram .msg").count() > 0, "what it did is drawn");
            screenshot(page.locator("#lab"), "lab-cut-by-budget");
        }
    }

    /**
     * Section 7 as a user meets it: choose the simulator's pcap and key log, load, pick a decrypted
     * data packet, read its inner packet byte by byte, and step back with the keyboard to the
     * response, whose C and H are the ones the engine computes from the same files.
     */
    @Test
    void aCaptureWithItsKeylogLoadsAndADecryptedPacketOpens() throws Exception {
        CaptureFixture f = CaptureFixture.make();
        CaptureView.Loaded engine = CaptureView.load(f.pcap().getFileName().toString(), f.pcapBytes(),
                f.keylog().getFileName().toString(), f.keylogText());
        load("#capture");
        page.getByTestId("capture-pcap").setInputFiles(f.pcap());
        page.getByTestId("capture-keylog").setInputFiles(f.keylog());
        page.locator("#capture-form button[type=submit]").click();
        page.waitForSelector("#capture[data-loaded=true]");
        assertEquals("capture-fixture.pcap: Ethernet, " + engine.frames() + " frames, " + engine.frames() + " WireGuard messages, "
                + engine.frames() + " decrypted with " + engine.keys() + ".", text("capture-summary"));
        assertEquals(engine.frames(), page.locator("#capture-list tbody tr").count());

        int data = 0;
        while (engine.rows().get(data).type() != 4) {
            data++;
        }
        CaptureView.Row row = engine.rows().get(data);
        page.locator("#capture-list tr[data-frame='" + row.frame() + "']").click();
        assertEquals("step " + (data + 1) + " / " + engine.frames(), text("capture-counter"));
        assertTrue(text("capture-text").endsWith("decrypted"), text("capture-text"));
        assertEquals(row.inner().hex().length() / 2, page.locator("#capture-inner .b").count());
        // Byte 12 of the inner IPv4 packet starts its source address: the tunnel address of alice.
        page.locator("#capture-inner .b[data-offset='12']").hover();
        String explain = page.locator("#capture-inner-explain").textContent();
        assertTrue(explain.startsWith("source address · bytes 12–15 (4) · 10.0.0.1: inside the tunnel"), explain);
        screenshot(page.locator("#capture"), "capture-decrypted-data");

        // Back with the keyboard to the last handshake message before it: its C after each step is the engine's.
        page.locator("#capture").focus();
        int back = data - 1;
        while (engine.rows().get(back).type() != 2) {
            back--;
        }
        for (int i = data; i > back; i--) {
            page.keyboard().press("ArrowLeft");
        }
        CaptureView.Row response = engine.rows().get(back);
        assertEquals("step " + (back + 1) + " / " + engine.frames(), text("capture-counter"));
        List<String> shown = page.getByTestId("capture-c").allTextContents();
        assertEquals(response.noise().stream().map(CaptureDecryption.Step::chainingKeyAfter).toList(), shown);
        assertEquals(0, page.locator("#capture-inner .b").count() + page.locator("#capture-inner + .legend").count(),
                "a response has no inner packet: neither bytes nor the legend of the packet shown before");
        assertTrue(page.url().endsWith("#capture/" + (back + 1)), page.url());
        screenshot(page.locator("#capture"), "capture-handshake-response");

        // A key log with a broken line: the page names the line, nothing is shown as decrypted.
        Path broken = CaptureFixture.DIR.resolve("broken.keys");
        java.nio.file.Files.writeString(broken, f.keylogText().replaceFirst("PRESHARED_KEY = ", "PRESHARED KEY = "));
        page.getByTestId("capture-keylog").setInputFiles(broken);
        page.locator("#capture-form button[type=submit]").click();
        page.waitForSelector("[data-testid=capture-error]");
        assertEquals("broken.keys line 4: expected KEY_TYPE = base64 key (as Wireshark's wg.keylog_file), got 'PRESHARED KE…'",
                text("capture-error"));
        assertEquals(0, page.locator("#capture-list tr").count());
    }

    /**
     * The lab with a file of the user's own: an error points at its line, the fixed file runs with a
     * seed and faults, the plots and the scrubbing slider follow the run, and the trace, pcap and key
     * log download; the pcap opens in section 7, decrypted.
     */
    @Test
    void aPastedScenarioRunsWithFaultsScrubsAndDownloads() throws Exception {
        String yaml = new String(VizBrowserTest.class.getResourceAsStream("capture-fixture.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).replace("duration: 130s", "duration: 12s").replace("name: capture-fixture", "name: my-pasted");
        load("#lab");
        page.locator("#lab-yaml-box summary").click();
        String broken = yaml.replaceFirst("delay: 5ms", "delay: 5 parsecs");
        page.getByTestId("lab-yaml").fill(broken);
        page.locator("#lab-form button[type=submit]").click();
        page.waitForSelector("[data-testid=lab-error]");
        String error = text("lab-error");
        assertTrue(error.startsWith("pasted.yaml:12:") && error.contains("hosts[0].links.both.delay"), error);
        Object selected = page.evaluate("() => { const a = document.getElementById('lab-yaml'); return a.value.substring(a.selectionStart, a.selectionEnd); }");
        assertEquals(broken.lines().toList().get(11), selected, "the editor selects the line the error names");

        page.getByTestId("lab-yaml").fill(yaml);
        page.locator("#lab-seed").fill("4");
        page.locator("#lab-loss").fill("20%");
        page.locator("#lab-form button[type=submit]").click();
        page.waitForFunction("() => document.querySelector('[data-testid=lab-summary]')?.textContent.startsWith('my-pasted, seed 4')");
        assertTrue(page.locator("#lab-diagram").textContent().contains("lost (loss)"), "the form's 20% loss shows as lost arrows");
        assertEquals(3, page.locator("#lab-plots figure").count());
        String delivery = page.locator("[data-testid=plot-delivery] figcaption").textContent();
        assertTrue(delivery.matches("Delivery: \\d+ of 16 sent .*"), delivery);
        assertTrue(page.locator("[data-testid=plot-rtt] circle").count() > 0, "RTT points");
        assertTrue(page.locator("[data-testid=plot-handshakes] line").count() > 2, "handshake ticks besides the axes");

        // Scrub with the keyboard: Home is before the first event; ArrowRight steps; a datagram opens its bytes.
        Locator slider = page.getByTestId("lab-scrub");
        slider.focus();
        page.keyboard().press("Home");
        assertTrue(text("lab-scrub-text").startsWith("before the first event"), text("lab-scrub-text"));
        page.keyboard().press("ArrowRight");
        assertTrue(text("lab-scrub-text").startsWith("1 / "), text("lab-scrub-text"));
        assertEquals(1, page.locator("#lab-diagram .now").count());
        assertTrue(page.locator("#lab-diagram .future").count() > 10);
        if (page.locator("#lab-diagram .now.msg").count() == 1) {
            page.waitForFunction("() => document.getElementById('lab-bytes').children.length > 0");
        }
        for (int i = 0; i < 6; i++) {
            page.keyboard().press("ArrowRight");
        }
        assertTrue(text("lab-scrub-text").startsWith("7 / "), text("lab-scrub-text"));
        screenshot(page.locator("#lab"), "lab-pasted-scrubbed");

        com.microsoft.playwright.Download trace = page.waitForDownload(() -> page.locator("#lab-downloads [data-file=trace]").click());
        assertEquals("my-pasted-seed4.jsonl", trace.suggestedFilename());
        List<String> lines = java.nio.file.Files.readAllLines(trace.path());
        assertTrue(lines.getFirst().contains("\"scenario\":\"my-pasted\""), lines.getFirst());
        com.microsoft.playwright.Download pcap = page.waitForDownload(() -> page.locator("#lab-downloads [data-file=pcap]").click());
        assertEquals("my-pasted-seed4.pcap", pcap.suggestedFilename());
        byte[] magic = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(pcap.path()), 4);
        assertEquals("4d3cb2a1", java.util.HexFormat.of().formatHex(magic));

        page.locator("#lab-to-capture").click();
        page.waitForSelector("#capture[data-loaded=true]");
        String summary = text("capture-summary");
        assertTrue(summary.startsWith("my-pasted-seed4.pcap: Ethernet, "), summary);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(", (\\d+) WireGuard messages, (\\d+) decrypted").matcher(summary);
        assertTrue(m.find() && m.group(1).equals(m.group(2)), summary);
    }
}
