package org.greenspoof.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.detect.Detector;
import org.greenspoof.serve.DetectionServer;

/** A detection server over the shared LFCC model on a free loopback port, and the HTTP calls the tests make. */
final class ServeFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "test-token-1234";

    final Detector detector;
    final DetectionServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A response: status and body parsed as JSON (null if it is not JSON). */
    record Reply(int status, JsonNode json, String body, HttpResponse<String> raw) {
    }

    ServeFixture(String token, long maxUploadBytes, int workers, int queue, Duration timeLimit) {
        try {
            detector = Detector.load(SharedModel.model(), null);
            server = DetectionServer.start(detector, new DetectionServer.Settings(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, maxUploadBytes, workers, queue,
                    timeLimit, AudioLimits.DEFAULT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No token, default limits, two workers. */
    ServeFixture() {
        this(null, DetectionServer.DEFAULT_MAX_UPLOAD_BYTES, 2, DetectionServer.DEFAULT_QUEUE,
                DetectionServer.DEFAULT_TIME_LIMIT);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            json = JSON.readTree(r.body());
        }
        return new Reply(r.statusCode(), json, r.body(), r);
    }

    Reply get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    /** The bytes as the request body. */
    Reply postRaw(String pathAndQuery, byte[] body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/octet-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    /** The bytes as the one file part of a multipart/form-data body, as a browser's FormData sends it. */
    Reply postMultipart(String pathAndQuery, String filename, byte[] content, String token)
            throws IOException, InterruptedException {
        String boundary = "----greenspoofTestBoundary7MA4YWxkTrZu0gW";
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, filename, content)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    static byte[] multipart(String boundary, String filename, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\na form field\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        out.writeBytes(head);
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** What {@code detect --json} prints for {@code file}, without the path (the service names uploads by their file name). */
    static ObjectNode detectJson(Path file, String... options) throws IOException {
        String[] args = new String[options.length + 4];
        args[0] = "detect";
        args[1] = "--json";
        args[2] = "--classifier";
        args[3] = SharedModel.model().toString();
        System.arraycopy(options, 0, args, 4, options.length);
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = file.toString();
        ObjectNode o = (ObjectNode) JSON.readTree(Capture.run(all).expect(ExitCode.OK).out());
        o.remove("path");
        return o;
    }

    static ObjectNode withoutPath(JsonNode answer) {
        ObjectNode o = answer.deepCopy();
        o.remove("path");
        return o;
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(30));
        detector.close();
    }
}
