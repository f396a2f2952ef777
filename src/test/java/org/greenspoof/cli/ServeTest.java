package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.serve.DetectionServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** greenspoof serve over HTTP: every route, the same answer as detect --json, and every limit. */
class ServeTest {
    static ServeFixture open;
    static ServeFixture guarded;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        open = new ServeFixture();
        guarded = new ServeFixture(ServeFixture.TOKEN, 64 << 10, 1, 2, DetectionServer.DEFAULT_TIME_LIMIT);
    }

    @AfterAll
    static void stop() {
        open.close();
        guarded.close();
    }

    static List<Utterance> eval() throws IOException {
        return Datasets.read(SharedCorpus.get(), "eval");
    }

    @Test
    void openapiListsExactlyTheRoutesTheServerAnswers() throws Exception {
        ServeFixture.Reply api = open.get("/openapi.json", null);
        assertEquals(200, api.status());
        assertTrue(api.json().get("openapi").asText().startsWith("3."), api.body());
        TreeSet<String> listed = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = api.json().get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fieldNames().forEachRemaining(m -> listed.add(m.toUpperCase() + " " + p.getKey()));
        }
        assertEquals(new TreeSet<>(DetectionServer.ROUTES), listed, "openapi.json and the server's routes");
        byte[] audio = ServeFixture.bytes(eval().get(0).audio());
        for (String route : listed) {
            String path = route.substring(route.indexOf(' ') + 1);
            ServeFixture.Reply r = route.startsWith("GET ") ? open.get(path, null) : open.postRaw(path, audio, null);
            assertEquals(200, r.status(), route + ": " + r.body());
        }
        ServeFixture.Reply missing = open.get("/v2/detect", null);
        assertEquals(404, missing.status());
        assertTrue(missing.json().get("error").asText().contains("/v2/detect"), missing.body());
        ServeFixture.Reply wrongMethod = open.get("/v1/detect", null);
        assertEquals(405, wrongMethod.status());
        assertEquals("POST", wrongMethod.raw().headers().firstValue("Allow").orElse(null));
        assertTrue(open.get("/", null).body().contains("<input type=\"file\""));
        assertEquals("ok", open.get("/healthz", null).json().get("status").asText());
    }

    @Test
    void detectAnswersWithDetectJsonsFieldsRawOrMultipart() throws Exception {
        for (Utterance u : eval().subList(0, 3)) {
            JsonNode expected = ServeFixture.detectJson(u.audio());
            byte[] audio = ServeFixture.bytes(u.audio());
            ServeFixture.Reply raw = open.postRaw("/v1/detect", audio, null);
            assertEquals(200, raw.status(), raw.body());
            assertEquals(expected, ServeFixture.withoutPath(raw.json()), "raw upload of " + u.audio());
            assertEquals("upload", raw.json().get("path").asText());
            ServeFixture.Reply form = open.postMultipart("/v1/detect", "../../etc/" + u.id() + ".flac", audio, null);
            assertEquals(200, form.status(), form.body());
            assertEquals(expected, ServeFixture.withoutPath(form.json()), "multipart upload of " + u.audio());
            assertEquals(u.id() + ".flac", form.json().get("path").asText(), "the client's name as a label, last component");
        }
    }

    @Test
    void longRecordingsGetSegmentsAndAPlot() throws Exception {
        Path tone = DetectCommandTest.sine(tmp.resolve("tone.wav"), 220, 12);
        JsonNode expected = ServeFixture.detectJson(tone, "--whole-up-to", "5", "--window", "3", "--hop", "1.5");
        ServeFixture.Reply r = open.postRaw("/v1/detect?whole_up_to=5&window=3&hop=1.5&plot=svg&name=tone.wav",
                ServeFixture.bytes(tone), null);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("plot").asText().contains("<svg"), "plot=svg adds the timeline");
        assertEquals("tone.wav", r.json().get("path").asText());
        JsonNode answer = ServeFixture.withoutPath(r.json());
        ((com.fasterxml.jackson.databind.node.ObjectNode) answer).remove("plot");
        assertEquals(expected, answer);
        assertTrue(expected.get("segments").size() > 1, expected.toString());
        ServeFixture.Reply whole = open.postRaw("/v1/detect?whole_up_to=inf", ServeFixture.bytes(tone), null);
        assertEquals(1, whole.json().get("segments").size(), whole.body());
        assertNull(whole.json().get("plot"));
    }

    @Test
    void modelTellsTheProvenance() throws Exception {
        JsonNode m = open.get("/v1/model", null).json();
        assertEquals("lfcc", m.get("frontend").asText());
        assertTrue(m.get("encoder_sha256").isNull(), m.toString());
        assertEquals(open.detector.threshold(), m.get("threshold").asDouble());
        assertEquals(open.detector.model().classifier().kind().cliName(), m.get("classifier").asText());
        assertEquals(open.detector.model().calibrated(), m.get("calibrated").asBoolean(), m.toString());
        assertTrue(m.has("calibrated"), m.toString());
        assertEquals(open.detector.model().provenance().pooling(), m.get("pooling").asText());
    }

    @Test
    void theV1RoutesNeedTheTokenWhenOneIsSet() throws Exception {
        byte[] audio = ServeFixture.bytes(eval().get(0).audio());
        for (String token : Arrays.asList(null, "wrong", ServeFixture.TOKEN + "x")) {
            ServeFixture.Reply r = guarded.postRaw("/v1/detect", audio, token);
            assertEquals(401, r.status(), String.valueOf(token));
            assertTrue(r.json().get("error").asText().contains("Bearer"), r.body());
            assertEquals("Bearer", r.raw().headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(401, guarded.get("/v1/model", token).status());
        }
        assertEquals(200, guarded.get("/v1/model", ServeFixture.TOKEN).status());
        assertEquals(200, guarded.postRaw("/v1/detect", audio, ServeFixture.TOKEN).status());
        assertEquals(200, guarded.get("/healthz", null).status(), "health checks need no token");
    }

    @Test
    void uploadsOverTheLimitGet413WhetherDeclaredOrNot() throws Exception {
        byte[] big = new byte[200 << 10];
        new Random(1).nextBytes(big);
        ServeFixture.Reply declared = guarded.postRaw("/v1/detect", big, ServeFixture.TOKEN);
        assertEquals(413, declared.status(), declared.body());
        assertTrue(declared.json().get("error").asText().contains(Long.toString(64 << 10)), declared.body());
        // Chunked (no Content-Length): the limit is counted while reading.
        ServeFixture.Reply chunked = guarded.send(HttpRequest.newBuilder(guarded.uri("/v1/detect"))
                .header("Authorization", "Bearer " + ServeFixture.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
        assertEquals(413, chunked.status(), chunked.body());
        assertEquals(200, guarded.postRaw("/v1/detect", ServeFixture.bytes(eval().get(0).audio()), ServeFixture.TOKEN).status(),
                "still serving");
        awaitFreeSlots(guarded, 3); // one worker and two queue places, all released
    }

    @Test
    void garbageGets4xxJsonAndTheServiceKeepsServing() throws Exception {
        byte[] good = ServeFixture.bytes(eval().get(1).audio());
        byte[] noise = new byte[5000];
        new Random(2).nextBytes(noise);
        byte[] truncatedWav = Arrays.copyOf(ServeFixture.bytes(DetectCommandTest.sine(tmp.resolve("t.wav"), 300, 2)), 700);
        byte[] badFlac = good.clone();
        Arrays.fill(badFlac, 60, Math.min(badFlac.length, 4000), (byte) 0xFF);
        String id3 = "ID3\u0003\u0000\u0000\u0000\u0000\u0000\u0010";
        byte[] mp3 = Arrays.copyOf(id3.getBytes(StandardCharsets.ISO_8859_1), 400);
        String b = "XyZ";
        List<Object[]> cases = new ArrayList<>(List.of(
                new Object[] {"raw noise", 422, open.postRaw("/v1/detect", noise, null)},
                new Object[] {"truncated WAV", 422, open.postRaw("/v1/detect", truncatedWav, null)},
                new Object[] {"damaged FLAC", 422, open.postRaw("/v1/detect", Arrays.copyOf(badFlac, 5000), null)},
                new Object[] {"MP3", 422, open.postRaw("/v1/detect", mp3, null)},
                new Object[] {"empty body", 400, open.postRaw("/v1/detect", new byte[0], null)},
                new Object[] {"bad window", 400, open.postRaw("/v1/detect?window=abc", good, null)},
                new Object[] {"hop > window", 400, open.postRaw("/v1/detect?window=1&hop=2", good, null)},
                new Object[] {"unknown parameter", 400, open.postRaw("/v1/detect?path=/etc/passwd", good, null)},
                new Object[] {"multipart cut short", 400, open.send(HttpRequest.newBuilder(open.uri("/v1/detect"))
                        .header("Content-Type", "multipart/form-data; boundary=" + b)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(ServeFixture.multipart(b, "x.flac", good),
                                good.length / 2))))},
                new Object[] {"multipart without a file", 400, open.send(HttpRequest.newBuilder(open.uri("/v1/detect"))
                        .header("Content-Type", "multipart/form-data; boundary=" + b)
                        .POST(HttpRequest.BodyPublishers.ofString("--" + b + "\r\nContent-Disposition: form-data; name=\"a\""
                                + "\r\n\r\nhello\r\n--" + b + "--\r\n")))},
                new Object[] {"multipart without boundary", 400, open.send(HttpRequest.newBuilder(open.uri("/v1/detect"))
                        .header("Content-Type", "multipart/form-data").POST(HttpRequest.BodyPublishers.ofByteArray(good)))}));
        for (Object[] c : cases) {
            ServeFixture.Reply r = (ServeFixture.Reply) c[2];
            assertEquals(c[1], r.status(), c[0] + ": " + r.body());
            assertTrue(r.json().get("error").asText().length() > 10, c[0] + ": " + r.body());
            assertTrue(!r.body().contains("greenspoof-serve-"), c[0] + " must not show the server's temp path: " + r.body());
        }
        assertTrue(((ServeFixture.Reply) cases.get(3)[2]).body().contains("MP3"), "the format is named");
        ServeFixture.Reply after = open.postRaw("/v1/detect", good, null);
        assertEquals(200, after.status(), after.body());
    }

    @Test
    void aFullQueueGets429() throws Exception {
        try (ServeFixture one = new ServeFixture(null, 1 << 20, 1, 0, DetectionServer.DEFAULT_TIME_LIMIT);
             Socket stalled = new Socket("127.0.0.1", one.server.port())) {
            // A client that declared 1000 bytes and sent 10 holds the only job slot while its upload is read.
            OutputStream out = stalled.getOutputStream();
            out.write(("POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitFreeSlots(one, 0);
            ServeFixture.Reply r = one.postRaw("/v1/detect", ServeFixture.bytes(eval().get(0).audio()), null);
            assertEquals(429, r.status(), r.body());
            assertEquals("1", r.raw().headers().firstValue("Retry-After").orElse(null));
            assertTrue(r.json().get("error").asText().contains("busy"), r.body());
            stalled.close(); // the upload fails, its slot comes back
            awaitFreeSlots(one, 1);
            assertEquals(200, one.postRaw("/v1/detect", ServeFixture.bytes(eval().get(0).audio()), null).status());
        }
    }

    @Test
    void overTheTimeLimitGets504() throws Exception {
        try (ServeFixture hurried = new ServeFixture(null, 1 << 20, 1, 1, Duration.ofMillis(1))) {
            ServeFixture.Reply r = hurried.postRaw("/v1/detect", ServeFixture.bytes(eval().get(0).audio()), null);
            assertEquals(504, r.status(), r.body());
            assertTrue(r.json().get("error").asText().contains("time limit"), r.body());
            awaitFreeSlots(hurried, 2);
            assertEquals(200, hurried.get("/healthz", null).status());
        }
    }

    @Test
    void stoppingFinishesRunningRequestsAndRefusesNewOnes() throws Exception {
        ServeFixture s = new ServeFixture(null, 64 << 20, 1, 1, DetectionServer.DEFAULT_TIME_LIMIT);
        Path longTone = DetectCommandTest.sine(tmp.resolve("long.wav"), 180, 300);
        CompletableFuture<ServeFixture.Reply> running = CompletableFuture.supplyAsync(() -> {
            try {
                return s.postRaw("/v1/detect?window=0.5&hop=0.25", ServeFixture.bytes(longTone), null);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitFreeSlots(s, 1);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(s::close);
        while (!s.get("/healthz", null).json().get("status").asText().equals("stopping")) {
            Thread.sleep(10);
        }
        assertTrue(!running.isDone(), "the test needs a request still running when the stop begins");
        ServeFixture.Reply refused = s.postRaw("/v1/detect", ServeFixture.bytes(eval().get(0).audio()), null);
        assertEquals(503, refused.status(), refused.body());
        ServeFixture.Reply finished = running.get();
        assertEquals(200, finished.status(), finished.body());
        assertTrue(finished.json().get("segments").size() > 1000, "the running request was answered in full");
        stopping.get();
        assertThrows(ConnectException.class, () -> s.get("/healthz", null), "the listener is closed after the stop");
    }

    static void awaitFreeSlots(ServeFixture s, int free) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int now;
        while ((now = s.get("/healthz", null).json().get("free_slots").asInt()) != free) {
            if (System.nanoTime() > end) {
                throw new AssertionError("free slots stay at " + now + ", expected " + free);
            }
            Thread.sleep(10);
        }
    }
}
