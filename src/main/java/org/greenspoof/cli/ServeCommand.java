package org.greenspoof.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.greenspoof.detect.Detector;
import org.greenspoof.serve.DetectionServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The local detection service: HTTP API and web page over one loaded classifier. */
@Command(name = "serve", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Serve a classifier over HTTP: POST /v1/detect (audio as the body or a multipart upload) answers with "
                + "the fields of detect --json; GET /v1/model, GET /healthz, GET /openapi.json; a web page at /. Binds to "
                + "loopback unless --bind says otherwise. SIGTERM or Ctrl-C stops accepting work and lets running requests "
                + "finish."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ClassifierOptions loaded;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "TCP port (0: any free one, printed at start).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on; anything but loopback exposes the service to the network.")
    String bind;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Require 'Authorization: Bearer TOKEN' on /v1 routes, TOKEN being this file's content (trimmed).")
    Path tokenFile;

    @Option(names = "--max-upload-mb", defaultValue = "128", paramLabel = "MB",
            description = "Largest upload in MiB (413 beyond; counted while reading).")
    long maxUploadMb;

    @Option(names = "--workers", paramLabel = "N", description = "Recordings scored at once (default: one per core).")
    Integer workers;

    @Option(names = "--queue", defaultValue = "" + DetectionServer.DEFAULT_QUEUE, paramLabel = "N",
            description = "Requests waiting for a worker beyond those running (429 beyond).")
    int queue;

    @Option(names = "--time-limit", defaultValue = "120", paramLabel = "SECONDS",
            description = "Longest time one detect request may take (504 beyond).")
    long timeLimit;

    @Mixin
    AudioLimitOptions audioLimits;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String token = null;
        if (tokenFile != null) {
            token = Files.readString(tokenFile).strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException(tokenFile + " is empty; a token file holds the token");
            }
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bind), port);
        DetectionServer.Settings settings = new DetectionServer.Settings(address, token, maxUploadMb << 20,
                workers == null ? Runtime.getRuntime().availableProcessors() : workers, queue,
                Duration.ofSeconds(timeLimit), audioLimits.limits());
        Detector detector = Detector.load(loaded.classifier.file, loaded.encoder);
        DetectionServer server;
        try {
            server = DetectionServer.start(detector, settings);
        } catch (BindException e) {
            throw new IllegalArgumentException("cannot listen on " + bind + " port " + port + " (" + e.getMessage()
                    + "); --port picks another, --port 0 any free one");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("greenspoof serve: stopping; letting running requests finish");
            server.stop(settings.timeLimit());
            detector.close();
            stopped.countDown();
        }, "greenspoof-serve-stop"));
        String host = address.getAddress().isLoopbackAddress() ? address.getAddress().getHostAddress() : bind;
        System.err.println("greenspoof serve: " + loaded.classifier.file + " on http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + server.port() + "/ (workers " + settings.workers() + ", queue " + queue + ", uploads up to " + maxUploadMb
                + " MiB, " + timeLimit + " s per request" + (token == null ? "" : ", bearer token required") + ")");
        if (!address.getAddress().isLoopbackAddress() && token == null) {
            System.err.println("greenspoof serve: warning: listening on " + bind + " without --token-file: anyone who can "
                    + "reach this address can use the service");
        }
        stopped.await();
        return ExitCode.OK;
    }
}
