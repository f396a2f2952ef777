package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.greenspoof.checkpoint.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code greenspoof convert} and {@code greenspoof inspect} on the torch-written fixtures. */
class CheckpointCommandsTest {

    @TempDir
    Path tmp;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CheckpointCommandsTest.class.getResource("/checkpoint/" + name).toURI());
    }

    private record Run(int code, String out) {
    }

    private static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int code = GreenspoofCli.run(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void convertThenInspectTheDirectory() throws IOException, URISyntaxException {
        Path dir = Files.createDirectories(tmp.resolve("ctc"));
        for (String f : List.of("config.json", "preprocessor_config.json", "pytorch_model.bin")) {
            Files.copy(resource("ctc/" + f), dir.resolve(f));
        }
        Run before = run("inspect", "--json", dir.toString());
        assertEquals(0, before.code());
        JsonNode b = new ObjectMapper().readTree(before.out());
        assertEquals("pytorch", b.get("format").asText());
        assertTrue(b.get("check").asText().startsWith("not checked"));

        Run conv = run("convert", dir.resolve("pytorch_model.bin").toString());
        assertEquals(0, conv.code());
        Path st = dir.resolve("model.safetensors");
        assertTrue(conv.out().contains("48 tensors") && conv.out().contains(Checkpoint.sha256(st)), conv.out());
        assertEquals(1, run("convert", dir.resolve("pytorch_model.bin").toString()).code(), "refuses to overwrite");
        assertEquals(0, run("convert", "--force", dir.resolve("pytorch_model.bin").toString(), st.toString()).code());

        Run after = run("inspect", "--json", dir.toString());
        assertEquals(0, after.code());
        JsonNode a = new ObjectMapper().readTree(after.out());
        assertEquals("safetensors", a.get("format").asText());
        assertEquals(Checkpoint.sha256(st), a.get("sha256").asText());
        assertEquals("ok", a.get("check").asText());
        assertEquals(b.get("parameters").asLong(), a.get("parameters").asLong());
        assertEquals(48, a.get("tensors").size());
        assertEquals(8, a.get("config").get("hidden_size").asInt());
        assertTrue(a.get("preprocessor").get("do_normalize").asBoolean());
        long sum = 0;
        for (JsonNode t : a.get("tensors")) {
            long n = 1;
            for (JsonNode d : t.get("shape")) {
                n *= d.asLong();
            }
            sum += n;
        }
        assertEquals(sum, a.get("parameters").asLong());

        Run text = run("inspect", dir.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("\\s+wav2vec2\\.encoder\\.pos_conv_embed\\.conv\\.weight_g\\s+F32\\s+\\[1, 1, 4]")),
                text.out());
        assertTrue(text.out().contains("check       ok"), text.out());

        // a config that disagrees with the weights: listed, but the check fails with exit code 1
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        Run bad = run("inspect", "--no-tensors", dir.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("missing tensor 'encoder.layers.2."), bad.out());
        assertFalse(bad.out().contains("  feature_extractor"), "--no-tensors");
    }

    @Test
    void shardedCheckpointsAreInspectedWholeAndConvertToOneFile() throws IOException, URISyntaxException {
        Path sharded = resource("ctc-sharded");
        Run st = run("inspect", "--json", sharded.toString());
        assertEquals(0, st.code(), st.out());
        JsonNode s = new ObjectMapper().readTree(st.out());
        assertEquals(sharded.resolve("model.safetensors.index.json").toString(), s.get("file").asText());
        assertEquals(2, s.get("shards").asInt());
        assertEquals("ok", s.get("check").asText());
        assertEquals(48, s.get("tensors").size());
        assertEquals(Files.size(sharded.resolve("model-00001-of-00002.safetensors"))
                + Files.size(sharded.resolve("model-00002-of-00002.safetensors")), s.get("bytes").asLong());
        Run bin = run("inspect", "--json", sharded.resolve("pytorch_model.bin.index.json").toString());
        assertEquals(0, bin.code(), bin.out());
        JsonNode b = new ObjectMapper().readTree(bin.out());
        assertEquals("pytorch", b.get("format").asText());
        assertEquals(s.get("parameters").asLong(), b.get("parameters").asLong());

        Path out = tmp.resolve("model.safetensors");
        Run conv = run("convert", sharded.resolve("pytorch_model.bin.index.json").toString(), out.toString());
        assertEquals(0, conv.code(), conv.out());
        assertTrue(conv.out().contains("48 tensors"), conv.out());
        assertTrue(run("inspect", "--no-tensors", sharded.toString()).out().contains("(safetensors, 2 shards, "));
    }

    @Test
    void hostileAndLegacyFilesFailWithExitCode1() throws URISyntaxException {
        Path out = tmp.resolve("x.safetensors");
        assertEquals(1, run("convert", resource("malicious.bin").toString(), out.toString()).code());
        assertFalse(Files.exists(out));
        assertEquals(1, run("convert", resource("legacy.bin").toString(), out.toString()).code());
        assertEquals(1, run("inspect", resource("legacy.bin").toString()).code());
    }
}
