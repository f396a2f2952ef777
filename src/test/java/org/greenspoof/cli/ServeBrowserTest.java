package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import org.greenspoof.dataset.Datasets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in a real headless browser: Debian's chromium driven through chromedriver over the
 * W3C WebDriver protocol (plain HTTP, so no Selenium). A file picked on / is uploaded by the page's
 * own script; the verdict and probability the page shows are detect --json's, and the timeline
 * picture renders. Skips only where chromium or chromedriver is missing, unless
 * GREENSPOOF_BROWSER_TEST=required (as .ci/run sets), which makes their absence a failure.
 */
class ServeBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    /** How long the page may take to show an answer: one short file through LFCC takes well under a second. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newHttpClient();
    String driver;
    String session;

    @Test
    void aFilePickedOnThePageShowsDetectsVerdictAndTheTimeline() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if ("required".equals(System.getenv("GREENSPOOF_BROWSER_TEST"))) {
            assertTrue(present, CHROMIUM + " and " + CHROMEDRIVER + " are required (GREENSPOOF_BROWSER_TEST=required)");
        }
        Assumptions.assumeTrue(present, "no " + CHROMIUM + " or " + CHROMEDRIVER
                + " (apt-get install -y chromium chromium-driver): the browser test is skipped");
        Path audio = Datasets.read(SharedCorpus.get(), "eval").get(0).audio();
        ObjectNode expected = ServeFixture.detectJson(audio);
        Path noise = tmp.resolve("noise.wav");
        byte[] junk = new byte[3000];
        new Random(3).nextBytes(junk);
        Files.write(noise, junk);

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process chromedriver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("chromedriver.log").toFile()).start();
        try (ServeFixture serve = new ServeFixture()) {
            driver = "http://127.0.0.1:" + port;
            awaitDriver();
            JsonNode created = call("POST", "/session", "{\"capabilities\": {\"alwaysMatch\": {\"goog:chromeOptions\": {"
                    + "\"binary\": \"" + CHROMIUM + "\", \"args\": [\"--headless=new\", \"--no-sandbox\", \"--disable-gpu\", "
                    + "\"--disable-dev-shm-usage\", \"--user-data-dir=" + tmp.resolve("profile") + "\"]}}}}");
            session = "/session/" + created.get("value").get("sessionId").asText();
            call("POST", session + "/url", "{\"url\": \"" + serve.uri("/") + "\"}");

            pick(audio);
            String status = awaitStatus();
            assertTrue(status.startsWith("Done"), status);
            String label = expected.get("label").asText().equals("bonafide") ? "bona fide" : "spoof";
            assertEquals(label, script("return document.getElementById('verdict').textContent"));
            assertEquals(String.format(Locale.ROOT, "%.3f", expected.get("probability").asDouble()),
                    script("return document.getElementById('probability').textContent"));
            assertEquals(false, call("POST", session + "/execute/sync", "{\"script\": \"return document.getElementById("
                    + "'result').hidden\", \"args\": []}").get("value").asBoolean());
            long width = call("POST", session + "/execute/async", "{\"script\": \"const done = arguments[0]; const img = "
                    + "document.querySelector('#plot img'); if (img.complete) done(img.naturalWidth); else img.onload = "
                    + "() => done(img.naturalWidth);\", \"args\": []}").get("value").asLong();
            assertEquals(900, width, "the timeline picture rendered at its width");

            pick(noise);
            String error = awaitStatus();
            assertTrue(error.startsWith("Error: cannot score noise.wav"), error);
        } finally {
            if (session != null) {
                try {
                    call("DELETE", session, null);
                } catch (IOException | RuntimeException e) {
                    // the browser is gone already; the driver is stopped below anyway
                }
            }
            chromedriver.descendants().forEach(ProcessHandle::destroy);
            chromedriver.destroy();
            chromedriver.waitFor();
        }
    }

    /** Picks {@code file} in the page's file input, as a user choosing it in the dialog; the page uploads it. */
    private void pick(Path file) throws Exception {
        script("document.getElementById('status').textContent = ''; return null");
        JsonNode input = call("POST", session + "/element", "{\"using\": \"css selector\", \"value\": \"#file\"}").get("value");
        call("POST", session + "/element/" + input.get(ELEMENT).asText() + "/value",
                "{\"text\": \"" + file.toAbsolutePath() + "\"}");
    }

    /** The page's status line once it says Done or Error. */
    private String awaitStatus() throws Exception {
        long end = System.nanoTime() + ANSWER_WAIT.toNanos();
        String s = "";
        while (System.nanoTime() < end) {
            s = script("return document.getElementById('status').textContent");
            if (s.startsWith("Done") || s.startsWith("Error")) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the page gave no answer within " + ANSWER_WAIT + "; status: " + s);
    }

    private String script(String js) throws Exception {
        return call("POST", session + "/execute/sync", ServeFixture.JSON.createObjectNode().put("script", js)
                .set("args", ServeFixture.JSON.createArrayNode()).toString()).get("value").asText();
    }

    private void awaitDriver() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                if (call("GET", "/status", null).get("value").get("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(driver + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = ServeFixture.JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return json;
    }
}
