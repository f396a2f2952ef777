package org.greenspoof.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.detect.Detector;
import org.greenspoof.detect.Detector.Windowing;
import org.greenspoof.detect.ReportJson;
import org.greenspoof.io.FileFormatException;
import org.greenspoof.report.FileProblem;

/**
 * The local detection service ({@code greenspoof serve}) on the JDK's own HTTP server: every JDK
 * has it, so the service adds no dependency, and with the bounded executors below it meets the
 * limits as well as an embeddable server would. Routes: {@code POST /v1/detect} (raw audio or a
 * multipart/form-data upload; answers as {@code detect --json}), {@code GET /v1/model},
 * {@code GET /healthz}, {@code GET /openapi.json} and the web page at {@code /}. Every error is
 * JSON {@code {"error": ...}}.
 */
public final class DetectionServer implements AutoCloseable {
    /**
     * Default largest upload: a ten-minute recording (the decoders' default limit) as 16-bit 48 kHz
     * stereo WAV is 110 MiB; FLAC and 16 kHz files are far smaller. Uploads are streamed to a temp
     * file, so this bounds disk use per job, not memory.
     */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 128L << 20;
    /** Default jobs waiting for a worker beyond those running: a few seconds of work on an ordinary CPU, then 429. */
    public static final int DEFAULT_QUEUE = 8;
    /**
     * Default time limit of one request (upload, decoding, scoring): a ten-minute recording takes
     * about a minute through wav2vec2-base on 2 cores; more than twice that means the machine is overloaded.
     */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(120);
    /** How long a stop waits for running requests by default: the time limit, so each can finish. */
    public static final Duration DEFAULT_GRACE = DEFAULT_TIME_LIMIT;
    /**
     * Request-handling threads beyond one per job slot: they answer health checks, the page and
     * 429s while every slot is busy.
     */
    static final int SPARE_HANDLERS = 4;
    /** Accepted connections waiting for a handling thread; beyond that the JDK server closes new ones. */
    static final int PENDING_CONNECTIONS = 64;
    /**
     * Longest time the JDK server lets a client take to send a request, headers and body (it closes
     * the connection after): a client that stalls mid-upload must not hold a job slot for ever. 128 MiB
     * at 10 Mbit/s takes 107 s.
     */
    static final long MAX_REQUEST_SECONDS = 180;
    /**
     * Most of a refused upload read and dropped before the 413 (see {@link #tooLarge}): enough for
     * ordinary oversized files; a larger rest is cut off with the connection.
     */
    static final long DISCARD_BYTES = 16L << 20;

    static {
        // Read once, when the JDK server's implementation class is loaded; an operator's -D setting wins.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_SECONDS));
        }
    }

    /** The routes this server answers, "METHOD /path", as openapi.json lists them. */
    public static final List<String> ROUTES = List.of("GET /", "GET /openapi.json", "GET /healthz", "GET /v1/model",
            "POST /v1/detect");

    /**
     * @param address        where to listen (loopback unless the operator says otherwise)
     * @param token          bearer token the /v1 routes require, or null for none
     * @param maxUploadBytes largest request body accepted (413 beyond, counted while reading)
     * @param workers        jobs scored at once
     * @param queue          jobs waiting beyond those (429 beyond)
     * @param timeLimit      longest time one detect request may take (504 beyond)
     * @param audioLimits    what the decoders accept
     */
    public record Settings(InetSocketAddress address, String token, long maxUploadBytes, int workers, int queue,
                           Duration timeLimit, AudioLimits audioLimits) {
        public Settings {
            Objects.requireNonNull(address, "address");
            if (maxUploadBytes < 1 || workers < 1 || queue < 0 || timeLimit.isNegative() || timeLimit.isZero()) {
                throw new IllegalArgumentException("the upload limit, workers and time limit must be positive and the queue "
                        + "not negative; got " + maxUploadBytes + " bytes, " + workers + " workers, queue " + queue + ", "
                        + timeLimit);
            }
            if (token != null && token.isEmpty()) {
                throw new IllegalArgumentException("the token is empty");
            }
        }

        /** The defaults on {@code address}, no token, one worker per core. */
        public static Settings defaults(InetSocketAddress address) {
            return new Settings(address, null, DEFAULT_MAX_UPLOAD_BYTES, Runtime.getRuntime().availableProcessors(),
                    DEFAULT_QUEUE, DEFAULT_TIME_LIMIT, AudioLimits.DEFAULT);
        }
    }

    private static final Logger LOG = Logger.getLogger(DetectionServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Detector detector;
    private final Settings settings;
    private final HttpServer http;
    private final ThreadPoolExecutor handlers;
    private final ExecutorService workers;
    private final Semaphore slots;
    private final Path uploads;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final byte[] modelJson;
    private volatile boolean stopping;

    private DetectionServer(Detector detector, Settings settings) throws IOException {
        this.detector = detector;
        this.settings = settings;
        int slotCount = settings.workers() + settings.queue();
        this.slots = new Semaphore(slotCount);
        this.modelJson = modelJson(detector.model());
        this.uploads = Files.createTempDirectory("greenspoof-serve-");
        this.workers = Executors.newFixedThreadPool(settings.workers(), named("greenspoof-detect"));
        this.handlers = new ThreadPoolExecutor(slotCount + SPARE_HANDLERS, slotCount + SPARE_HANDLERS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(PENDING_CONNECTIONS), named("greenspoof-http"));
        this.http = HttpServer.create(settings.address(), PENDING_CONNECTIONS);
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
    }

    /** Starts serving {@code detector} as {@code settings} say; {@link #port()} is where. */
    public static DetectionServer start(Detector detector, Settings settings) throws IOException {
        DetectionServer s = new DetectionServer(detector, settings);
        s.http.start();
        return s;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /**
     * Stops: new detect requests get 503 at once, running ones finish (up to {@code grace}), then
     * the listener closes and the temp folder is removed.
     */
    public void stop(Duration grace) {
        stopping = true;
        long end = System.nanoTime() + grace.toNanos();
        try {
            while (inFlight.get() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop(0);
        handlers.shutdownNow();
        workers.shutdownNow();
        try (Stream<Path> s = Files.walk(uploads)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove " + uploads, e);
        }
    }

    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    /** An answer: status and JSON (or another type of) body. */
    private record Answer(int status, String type, byte[] body) {
        static Answer json(int status, String json) {
            return new Answer(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        static Answer error(int status, String message) {
            return json(status, JSON.createObjectNode().put("error", message).toString());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try {
            Answer a;
            try {
                a = route(ex);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "bug while answering " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
                a = Answer.error(500, "internal error: " + e);
            }
            ex.getResponseHeaders().set("Content-Type", a.type());
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            if (a.status() >= 400 && ex.getRequestMethod().equals("POST")) {
                // The body may be unread: the JDK server then drops the connection, and says so, so that
                // a client does not send its next request on it.
                ex.getResponseHeaders().set("Connection", "close");
            }
            ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(a.body());
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away", e); // the client closed the connection; nothing to answer
        } finally {
            ex.close();
            inFlight.decrementAndGet();
        }
    }

    private Answer route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        String allowed = null;
        for (String r : ROUTES) {
            int sp = r.indexOf(' ');
            if (r.substring(sp + 1).equals(path)) {
                allowed = r.substring(0, sp);
            }
        }
        if (allowed == null) {
            return Answer.error(404, "no such route: " + path + " (see /openapi.json)");
        }
        if (!allowed.equals(method)) {
            ex.getResponseHeaders().set("Allow", allowed);
            return Answer.error(405, path + " takes " + allowed + ", not " + method);
        }
        switch (path) {
            case "/":
                return new Answer(200, "text/html; charset=utf-8", resource("index.html"));
            case "/openapi.json":
                return new Answer(200, "application/json", resource("openapi.json"));
            case "/healthz":
                return Answer.json(200, JSON.createObjectNode().put("status", stopping ? "stopping" : "ok")
                        .put("free_slots", slots.availablePermits()).toString());
            default:
                break;
        }
        if (settings.token() != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            return Answer.error(401, "this service needs a bearer token: Authorization: Bearer TOKEN");
        }
        if (path.equals("/v1/model")) {
            return new Answer(200, "application/json", modelJson);
        }
        return detect(ex);
    }

    private boolean authorized(String header) {
        byte[] expected = ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
        return header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8));
    }

    private Answer detect(HttpExchange ex) throws IOException {
        long started = System.nanoTime();
        if (stopping) {
            return Answer.error(503, "the service is shutting down");
        }
        Map<String, String> q;
        Windowing windowing;
        boolean plot;
        try {
            q = query(ex.getRequestURI().getRawQuery());
            windowing = windowing(q);
            plot = plot(q.get("plot"));
        } catch (IllegalArgumentException e) {
            return Answer.error(400, e.getMessage());
        }
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > settings.maxUploadBytes()) {
            return tooLarge(ex);
        }
        if (!slots.tryAcquire()) {
            ex.getResponseHeaders().set("Retry-After", "1");
            return Answer.error(429, "all " + (settings.workers() + settings.queue()) + " job slots are busy; retry later");
        }
        Path upload = null;
        boolean handedOver = false;
        try {
            upload = Files.createTempFile(uploads, "upload-", ".audio");
            String name;
            try {
                name = receive(ex, upload, q.get("name"));
            } catch (TooLargeException e) {
                return tooLarge(ex);
            } catch (Multipart.MalformedException e) {
                return Answer.error(400, e.getMessage());
            }
            if (Files.size(upload) == 0) {
                return Answer.error(400, "empty upload: send the audio file as the request body or as a multipart file part");
            }
            Path file = upload;
            // Set when the request gives up waiting: a job still queued then skips the work. (The job,
            // not the request, owns the slot and the temp file from here on; a cancelled Future would
            // never run its clean-up, and a running one cannot be interrupted.)
            AtomicBoolean abandoned = new AtomicBoolean();
            Future<Detector.Report> job;
            try {
                job = workers.submit(() -> {
                    try {
                        if (abandoned.get()) {
                            return null;
                        }
                        return detector.detect(file, settings.audioLimits(), windowing);
                    } finally {
                        Files.deleteIfExists(file);
                        slots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                return Answer.error(503, "the service is shutting down");
            }
            handedOver = true;
            long left = settings.timeLimit().toNanos() - (System.nanoTime() - started);
            try {
                return Answer.json(200, ReportJson.of(name, job.get(Math.max(0, left), TimeUnit.NANOSECONDS), plot));
            } catch (TimeoutException e) {
                abandoned.set(true);
                return Answer.error(504, "the request took longer than the service's time limit of "
                        + settings.timeLimit().toMillis() / 1000.0 + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Answer.error(503, "the service is shutting down");
            } catch (ExecutionException e) {
                return failed(upload, name, e.getCause());
            }
        } finally {
            if (!handedOver) {
                if (upload != null) {
                    Files.deleteIfExists(upload);
                }
                slots.release();
            }
        }
    }

    /**
     * 413, after reading and dropping up to {@link #DISCARD_BYTES} more of the body: a client that sends
     * its whole body before it reads the answer then gets the 413, not a connection reset.
     */
    private Answer tooLarge(HttpExchange ex) {
        try {
            InputStream rest = ex.getRequestBody();
            byte[] sink = new byte[8192];
            for (long left = DISCARD_BYTES; left > 0; ) {
                int n = rest.read(sink, 0, (int) Math.min(sink.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away during a 413", e);
        }
        return Answer.error(413, "the upload exceeds the service's limit of " + settings.maxUploadBytes() + " bytes");
    }

    /** A job's failure: the audio's fault (422, in words that name the upload, not the temp file) or a bug (500). */
    private static Answer failed(Path upload, String name, Throwable cause) {
        if (cause instanceof IOException || cause instanceof IllegalArgumentException) {
            // The server's temp path, and its file name (a conversion hint derives an output name from it), never reach the client.
            String why = FileProblem.describe(upload, (Exception) cause).replace(upload.toString(), name)
                    .replace(upload.getFileName().toString(), name);
            return Answer.error(422, "cannot score " + name + ": " + why);
        }
        if (cause instanceof OutOfMemoryError) {
            return Answer.error(503, "the service ran out of memory on this recording; try a shorter one");
        }
        LOG.log(Level.SEVERE, "bug while scoring an upload", cause);
        return Answer.error(500, "internal error: " + cause);
    }

    /** Streams the body (or its file part) into {@code upload}; returns the name the answer gives it. */
    private String receive(HttpExchange ex, Path upload, String queryName) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        try (InputStream body = new BufferedInputStream(new Capped(ex.getRequestBody(), settings.maxUploadBytes()));
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(upload))) {
            String given = queryName;
            if (Multipart.isFormData(type)) {
                given = Multipart.copyFilePart(type, body, out);
            } else {
                body.transferTo(out);
            }
            return displayName(given);
        }
    }

    /** The client's name for its file, as a label only: its last component, one line, bounded. */
    static String displayName(String given) {
        if (given == null || given.isBlank()) {
            return "upload";
        }
        String n = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
        n = FileFormatException.oneLine(n);
        return n.isEmpty() ? "upload" : n.length() > 200 ? n.substring(0, 200) : n;
    }

    /** The body went past the upload limit. */
    private static final class TooLargeException extends IOException {
        TooLargeException() {
            super("upload too large");
        }
    }

    /** A request body that refuses to yield more than {@code limit} bytes: never buffers past the limit. */
    private static final class Capped extends FilterInputStream {
        private long left;

        Capped(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // Ask for one byte more than is left: a body exactly at the limit is fine, one byte over is not.
            int n = super.read(b, off, (int) Math.min(len, left + 1));
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new TooLargeException();
                }
            }
            return n;
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!List.of("window", "hop", "whole_up_to", "plot", "name").contains(k)) {
                throw new IllegalArgumentException("unknown query parameter " + k
                        + "; /v1/detect takes window, hop, whole_up_to, plot and name");
            }
            q.put(k, v);
        }
        return q;
    }

    /** window, hop and whole_up_to as detect's --window, --hop and --whole-up-to, with the same defaults. */
    static Windowing windowing(Map<String, String> q) {
        double window = seconds(q, "window", Windowing.AUTO.window());
        double hop = seconds(q, "hop", window / 2);
        double above = seconds(q, "whole_up_to", Windowing.AUTO.above());
        return new Windowing(window, hop, above);
    }

    private static double seconds(Map<String, String> q, String key, double otherwise) {
        String v = q.get(key);
        if (v == null) {
            return otherwise;
        }
        if (v.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of seconds, not '" + v + "'");
        }
    }

    private static boolean plot(String v) {
        if (v == null) {
            return false;
        }
        if (!v.equals("svg")) {
            throw new IllegalArgumentException("plot takes the value svg, not '" + v + "'");
        }
        return true;
    }

    /** GET /v1/model: what the classifier is and what it was trained on. */
    static byte[] modelJson(ClassifierFile.Model m) {
        ClassifierFile.Provenance p = m.provenance();
        ObjectNode o = JSON.createObjectNode();
        o.put("frontend", p.encoderSha256() == null ? "lfcc" : "encoder");
        o.setAll((ObjectNode) JSON.valueToTree(p.embeddingFields()));
        o.put("classifier", m.classifier().kind().cliName());
        o.put("parameters", m.classifier().parameterCount());
        o.put("threshold", m.threshold());
        o.put("calibrated", m.calibrated());
        o.put("created", m.created());
        o.put("trained_with", m.greenspoofVersion());
        o.put("format_version", m.formatVersion());
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final Map<String, byte[]> RESOURCES = new LinkedHashMap<>();

    private static synchronized byte[] resource(String name) {
        return RESOURCES.computeIfAbsent(name, n -> {
            try (InputStream in = DetectionServer.class.getResourceAsStream(n)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + n + " missing from the jar");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
