package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.serve.DetectionServer;
import org.junit.jupiter.api.Test;

/**
 * The service under load, on loopback and bounded: {@link #CLIENTS} clients for at most
 * {@link #DURATION} (and {@link #REQUESTS_PER_CLIENT} requests each) send good recordings, raw and
 * multipart, mixed with garbage. No answer may be a 5xx (or a 429: the job slots outnumber the
 * clients), every good answer must equal detect --json's, every bad one must be a 4xx JSON error.
 * Latencies are printed.
 */
class ServeLoadTest {
    static final int CLIENTS = 8;
    static final Duration DURATION = Duration.ofSeconds(20);
    static final int REQUESTS_PER_CLIENT = 60;

    @Test
    void eightClientsMixingGoodAndBadUploads() throws Exception {
        List<Utterance> eval = Datasets.read(SharedCorpus.get(), "eval").subList(0, 6);
        Map<Path, JsonNode> expected = new ConcurrentHashMap<>();
        for (Utterance u : eval) {
            expected.put(u.audio(), ServeFixture.detectJson(u.audio()));
        }
        Random r = new Random(4);
        byte[] noise = new byte[20000];
        r.nextBytes(noise);
        byte[] truncated = Arrays.copyOf(ServeFixture.bytes(eval.get(0).audio()), 3000);
        List<byte[]> bad = List.of(noise, truncated, new byte[0]);

        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger good = new AtomicInteger(), refused = new AtomicInteger();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        try (ServeFixture s = new ServeFixture(null, DetectionServer.DEFAULT_MAX_UPLOAD_BYTES, 2, CLIENTS,
                DetectionServer.DEFAULT_TIME_LIMIT)) {
            long end = System.nanoTime() + DURATION.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    Random rc = new Random(client);
                    for (int i = 0; i < REQUESTS_PER_CLIENT && System.nanoTime() < end; i++) {
                        boolean isGood = rc.nextInt(3) > 0;
                        Utterance u = eval.get(rc.nextInt(eval.size()));
                        long t0 = System.nanoTime();
                        ServeFixture.Reply a;
                        if (isGood) {
                            byte[] audio = ServeFixture.bytes(u.audio());
                            a = rc.nextBoolean() ? s.postRaw("/v1/detect", audio, null)
                                    : s.postMultipart("/v1/detect", u.id() + ".flac", audio, null);
                        } else {
                            a = s.postRaw("/v1/detect", bad.get(rc.nextInt(bad.size())), null);
                        }
                        latencies.add(System.nanoTime() - t0);
                        if (a.status() >= 500 || a.status() == 429) {
                            problems.add(a.status() + " " + a.body());
                        } else if (isGood && (a.status() != 200
                                || !ServeFixture.withoutPath(a.json()).equals(expected.get(u.audio())))) {
                            problems.add("good upload of " + u.audio() + ": " + a.status() + " " + a.body());
                        } else if (!isGood && (a.status() < 400 || !a.json().has("error"))) {
                            problems.add("bad upload: " + a.status() + " " + a.body());
                        } else if (isGood) {
                            good.incrementAndGet();
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
            pool.shutdown();
        }
        long[] ms = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "serve load: %d clients, %d requests (%d good answered, %d bad refused), latency "
                + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", CLIENTS, ms.length, good.get(), refused.get(),
                percentile(ms, 0.50), percentile(ms, 0.99), ms[ms.length - 1] / 1e6);
        assertEquals(List.of(), problems);
        assertTrue(good.get() > CLIENTS && refused.get() > 0, good + " good, " + refused + " bad");
    }

    static double percentile(long[] sortedNanos, double p) {
        return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1)] / 1e6;
    }
}
