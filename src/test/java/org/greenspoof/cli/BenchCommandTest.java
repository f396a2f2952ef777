package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.greenspoof.checkpoint.EncoderConfig;
import org.greenspoof.model.ModelFamily;
import org.greenspoof.model.SpeechEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {

    /**
     * The issue's independently counted work for full-size wav2vec2-base on a 1 s input (about
     * 13.7 GFLOP: conv stack 4.9, transformer 8.3, positional conv 0.5),
     * quoted to 2-3 significant digits, hence the 2% tolerance.
     */
    private static final double ISSUE_GFLOP_PER_SECOND = 13.7;
    private static final double ISSUE_CONV_GFLOP_PER_SECOND = 4.9;
    private static final double ISSUE_POS_GFLOP_PER_SECOND = 0.5;
    private static final double QUOTE_TOLERANCE = 0.02;

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new GreenspoofCli()).setExecutionExceptionHandler(new ErrorHandler())
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path fixture(String variant) throws Exception {
        return Path.of(BenchCommandTest.class.getResource("/encoder/" + variant).toURI());
    }

    @Test
    void flopCountMatchesTheIssuesFiguresForFullSizeBase() throws Exception {
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, """
                {"model_type": "wav2vec2", "conv_dim": [512, 512, 512, 512, 512, 512, 512],
                 "conv_kernel": [10, 3, 3, 3, 3, 2, 2], "conv_stride": [5, 2, 2, 2, 2, 2, 2],
                 "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                 "intermediate_size": 3072, "num_conv_pos_embeddings": 128, "num_conv_pos_embedding_groups": 16}
                """);
        EncoderConfig c = EncoderConfig.load(cfg, ModelFamily.CONFIGS);
        int samples = 16_000;
        double total = SpeechEncoder.gflop(c, samples, 12);
        double pos = 2.0 * 49 * 768 * 128 * 48 / 1e9;
        double convAndProjection = SpeechEncoder.gflop(c, samples, 0) - pos;
        double projection = 2.0 * 49 * 512 * 768 / 1e9;
        assertEquals(ISSUE_GFLOP_PER_SECOND, total, ISSUE_GFLOP_PER_SECOND * QUOTE_TOLERANCE);
        assertEquals(ISSUE_CONV_GFLOP_PER_SECOND, convAndProjection - projection, ISSUE_CONV_GFLOP_PER_SECOND * QUOTE_TOLERANCE);
        assertEquals(ISSUE_POS_GFLOP_PER_SECOND, pos, 0.05);
        // One layer more costs one transformer layer: 8.3 / 12, within the quote.
        double perLayer = SpeechEncoder.gflop(c, samples, 12) - SpeechEncoder.gflop(c, samples, 11);
        assertEquals(8.3 / 12, perLayer, 8.3 / 12 * QUOTE_TOLERANCE);
    }

    @Test
    void jsonHasOneObjectPerConfiguration() throws Exception {
        Run r = run("bench", "--model", fixture("w2v2-base").toString(), "--seconds", "0.5,1", "--threads", "1,2",
                "--max-layer", "1,3", "--runs", "3", "--warmup", "1", "--jit-warmup", "0", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        assertEquals(8, list.size());
        List<String> seen = new ArrayList<>();
        for (JsonNode o : list) {
            seen.add(o.get("seconds").asDouble() + "/" + o.get("threads").asInt() + "/" + o.get("max_layer").asInt());
            double median = o.get("median_s").asDouble();
            assertTrue(median > 0, o.toString());
            assertEquals(median / o.get("seconds").asDouble(), o.get("rtf").asDouble(), 1e-12);
            assertEquals(o.get("gflop").asDouble() / median, o.get("gflops").asDouble(), 1e-9);
            assertEquals(o.get("seconds").asDouble() == 0.5 ? 24 : 49, o.get("frames").asInt());
            assertTrue(o.get("kernels").asText().endsWith("x" + o.get("threads").asInt()), o.toString());
        }
        // --threads 2 runs (and is reported) as the pool's size where fewer cores are visible (taskset).
        int two = Math.min(2, org.greenspoof.kernels.ThreadPool.shared().size());
        assertEquals(List.of("0.5/1/1", "0.5/1/3", "1.0/1/1", "1.0/1/3", "0.5/" + two + "/1", "0.5/" + two + "/3",
                "1.0/" + two + "/1", "1.0/" + two + "/3"), seen);
    }

    @Test
    void tableAndBadArguments() throws Exception {
        String model = fixture("w2v2-base").toString();
        Run ok = run("bench", "--model", model, "--seconds", "1", "--threads", "1", "--runs", "1", "--jit-warmup", "0");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("max_layer") && ok.out().contains("JDK"), ok.out());
        Run bad = run("bench", "--model", model, "--depth", "4", "--jit-warmup", "0");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("--depth 4 out of range") && bad.err().contains("0..3"), bad.err());
        assertEquals(1, run("bench", "--model", model, "--seconds", "0").exit());
        assertEquals(1, run("bench", "--model", model, "--threads", "0").exit());
    }
}
