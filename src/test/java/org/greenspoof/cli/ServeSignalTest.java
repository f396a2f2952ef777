package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a real greenspoof serve process: the request it is scoring is answered in full, then it exits 143. */
class ServeSignalTest {
    /** How long the child may take to load the classifier and listen (a loaded 2-core CI box). */
    static final long START_SECONDS = 60;

    @TempDir
    Path tmp;

    @Test
    void sigtermLetsTheRunningRequestFinish() throws Exception {
        Path log = tmp.resolve("serve.log");
        Path tone = DetectCommandTest.sine(tmp.resolve("long.wav"), 180, 300);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), GreenspoofCli.class.getName(), "serve", "--classifier",
                SharedModel.model().toString(), "--port", "0", "--workers", "1");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Pattern listening = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
            Matcher m = listening.matcher("");
            while (child.isAlive() && System.nanoTime() < deadline && !(m = listening.matcher(Files.readString(log))).find()) {
                Thread.sleep(20);
            }
            assertTrue(m.find(0), "the service says where it listens:\n" + Files.readString(log));
            String base = "http://127.0.0.1:" + m.group(1);
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> running = client.sendAsync(HttpRequest.newBuilder(
                    URI.create(base + "/v1/detect?window=0.5&hop=0.25")).timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofFile(tone)).build(), HttpResponse.BodyHandlers.ofString());
            // Signal once the job holds its slot (the default queue is 8: 9 slots, one worker).
            while (!client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"free_slots\":8")) {
                assertTrue(!running.isDone(), "the request must still be running at the signal");
                Thread.sleep(10);
            }
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor());
            HttpResponse<String> r = running.get(120, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"spoofed_spans\""), "answered in full: " + r.body().length() + " chars");
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "exits after the running request");
            assertEquals(143, child.exitValue(), Files.readString(log));
            assertTrue(Files.readString(log).contains("stopping; letting running requests finish"), Files.readString(log));
        } finally {
            child.destroyForcibly();
        }
    }
}
