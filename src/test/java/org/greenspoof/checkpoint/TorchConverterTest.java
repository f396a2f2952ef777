package org.greenspoof.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.greenspoof.io.FileFormatException;
import org.greenspoof.model.ModelFamily;
import org.greenspoof.model.SpeechEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The converter against files torch 1.13 wrote itself (tools/make_torch_checkpoints.py): every element
 * of every tensor must equal torch's own float32 value of it; and against hostile or broken archives.
 */
class TorchConverterTest {

    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(TorchConverterTest.class.getResource("/checkpoint/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts that two safetensors files hold the same names, shapes and float values (NaN equal to NaN). */
    static void assertSameTensors(SafetensorsFile want, SafetensorsFile got) {
        assertEquals(want.names().stream().sorted().toList(), got.names().stream().sorted().toList());
        for (String n : want.names()) {
            assertArrayEquals(want.info(n).shape(), got.info(n).shape(), n);
            assertArrayEquals(want.readFloats(n), got.readFloats(n), n);
        }
    }

    /** Pickle protocol 2 (torch's default) and 4, the same state dict. */
    @ParameterizedTest
    @ValueSource(strings = {"mixed.bin", "mixed_p4.bin"})
    void everyDtypeViewAndSharedStorageConvertsExactly(String bin) throws IOException {
        Path out = tmp.resolve("mixed.safetensors");
        TorchConverter.Result r = TorchConverter.convert(resource(bin), out);
        assertEquals(13, r.tensors());
        try (SafetensorsFile want = SafetensorsFile.open(resource("mixed.expected.safetensors"));
                SafetensorsFile got = SafetensorsFile.open(out);
                TorchCheckpoint src = TorchCheckpoint.open(resource(bin))) {
            assertSameTensors(want, got);
            assertEquals("pt", got.metadata().get("format"));
            assertEquals(bin, got.metadata().get("converted_from"));
            // the source dtypes as torch reported them
            Map<?, ?> torchDtypes = new ObjectMapper().readValue(want.metadata().get("source_dtypes"), Map.class);
            Map<String, Dtype> byTorchName = Map.of("torch.float32", Dtype.F32, "torch.float16", Dtype.F16,
                    "torch.bfloat16", Dtype.BF16, "torch.float64", Dtype.F64, "torch.int64", Dtype.I64);
            for (String n : src.names()) {
                assertEquals(byTorchName.get((String) torchDtypes.get(n)), src.tensor(n).dtype(), n);
            }
            assertEquals(want.info("shared.a").numel() + want.info("shared.b").numel(), 12);
            assertEquals(src.tensor("shared.a").ref().storage(), src.tensor("shared.b").ref().storage());
        }
    }

    /** A *ForCTC-style checkpoint from a real torchaudio model converts, then opens as a Checkpoint. */
    @Test
    void ctcCheckpointConvertsAndOpens() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ctc"));
        for (String f : List.of("config.json", "preprocessor_config.json")) {
            Files.copy(resource("ctc/" + f), dir.resolve(f));
        }
        TorchConverter.convert(resource("ctc/pytorch_model.bin"), dir.resolve("model.safetensors"));
        try (SafetensorsFile want = SafetensorsFile.open(resource("ctc/expected.safetensors"));
                Checkpoint c = Checkpoint.open(dir, ModelFamily.CONFIGS)) {
            assertSameTensors(want, c.weights().files().get(0));
            assertEquals(List.of("lm_head.bias", "lm_head.weight", "wav2vec2.masked_spec_embed"),
                    c.ignored().stream().sorted().toList());
            // the torchaudio model's own parameter names and shapes are exactly the expected set
            Map<String, long[]> expected = SpeechEncoder.expectedTensors(c.config());
            assertEquals(want.names().size() - 3, expected.size());
            for (var e : expected.entrySet()) {
                assertArrayEquals(want.readFloats("wav2vec2." + e.getKey()), c.tensor(e.getKey(), e.getValue()), e.getKey());
            }
            assertEquals(Checkpoint.sha256(dir.resolve("model.safetensors")), c.sha256());
        }
    }

    /** transformers' sharded layout, written by torch (.bin) and by the generator's own writer (.safetensors). */
    @Test
    void shardedCheckpointsConvertAndOpenAsTheUnshardedOne() throws IOException {
        Path out = tmp.resolve("model.safetensors");
        TorchConverter.Result r = TorchConverter.convert(resource("ctc-sharded/pytorch_model.bin.index.json"), out);
        try (SafetensorsFile want = SafetensorsFile.open(resource("ctc/expected.safetensors"));
                SafetensorsFile got = SafetensorsFile.open(out);
                Checkpoint sharded = Checkpoint.open(resource("ctc-sharded"), ModelFamily.CONFIGS)) {
            assertSameTensors(want, got);
            assertEquals(want.names().size(), r.tensors());
            assertEquals("pytorch_model.bin.index.json", got.metadata().get("converted_from"));
            assertEquals(2, sharded.weights().files().size());
            assertEquals(resource("ctc-sharded/" + WeightFiles.INDEX), sharded.weights().source());
            for (String n : want.names()) {
                assertArrayEquals(want.readFloats(n), sharded.weights().readFloats(n, null), n);
            }
            for (var e : SpeechEncoder.expectedTensors(sharded.config()).entrySet()) {
                assertArrayEquals(want.readFloats("wav2vec2." + e.getKey()), sharded.tensor(e.getKey(), e.getValue()));
            }
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            for (String shard : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
                both.write(Files.readAllBytes(resource("ctc-sharded/" + shard)));
            }
            assertEquals(sha256(both.toByteArray()), sharded.sha256());
        }
    }

    /** Copies ctc-sharded's safetensors flavour to a folder, with the index rewritten by {@code edit}. */
    private Path shardedWithIndex(UnaryOperator<String> edit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sharded-" + System.nanoTime()));
        for (String f : List.of("config.json", "preprocessor_config.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors")) {
            Files.copy(resource("ctc-sharded/" + f), dir.resolve(f));
        }
        Files.writeString(dir.resolve(WeightFiles.INDEX),
                edit.apply(Files.readString(resource("ctc-sharded/" + WeightFiles.INDEX))));
        return dir;
    }

    private static void assertRefused(Path dir, String fragment) {
        String msg = assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(dir, ModelFamily.CONFIGS)).getMessage();
        assertTrue(msg.contains(fragment), msg);
    }

    @Test
    void aShardIndexThatDisagreesWithItsShardsNamesTheDifference() throws IOException {
        Path missing = shardedWithIndex(s -> s.replace("model-00002-of-00002", "model-00003-of-00003"));
        assertRefused(missing, "model-00003-of-00003.safetensors (of 'lm_head.bias') does not exist");
        Path moved = shardedWithIndex(s -> s.replace("\"lm_head.bias\": \"model-00002", "\"lm_head.bias\": \"model-00001"));
        assertRefused(moved, "holds tensor 'lm_head.bias', which the weight_map puts in model-00001-of-00002.safetensors");
        Path unlisted = shardedWithIndex(s -> s.replace("\"lm_head.bias\": \"model-00002-of-00002.safetensors\",", ""));
        assertRefused(unlisted, "holds tensor 'lm_head.bias', which the weight_map does not list");
        Path extra = shardedWithIndex(s -> s.replace("\"weight_map\": {", "\"weight_map\": {\"ghost\": \"model-00001-of-00002.safetensors\","));
        assertRefused(extra, "tensor 'ghost' is not in its shard model-00001-of-00002.safetensors");
        Path escape = shardedWithIndex(s -> s.replace("\"model-00001-of-00002.safetensors\"", "\"../model-00001-of-00002.safetensors\""));
        assertRefused(escape, "must name a shard file in the index's folder");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TorchConverter.convert(
                resource("ctc-sharded/" + WeightFiles.INDEX), tmp.resolve("x.safetensors"))).getMessage()
                .contains("no conversion needed"));
        Path broken = shardedWithIndex(s -> s.substring(0, 40));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.open(broken, ModelFamily.CONFIGS));
        assertEquals(broken.resolve(WeightFiles.INDEX), e.file());
        assertTrue(e.offset() > 0 && e.expected().startsWith("a JSON shard index"), e.getMessage());
    }

    /** The index is bound as the configs are: a repeated key or a shard that is no string is a clear error. */
    @Test
    void aShardIndexWithARepeatedKeyOrANonStringShardIsRefused() throws IOException {
        Path twice = shardedWithIndex(s -> s.replace("\"weight_map\": {",
                "\"weight_map\": {\"lm_head.bias\": \"model-00002-of-00002.safetensors\","));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.open(twice, ModelFamily.CONFIGS));
        assertTrue(e.getMessage().contains("Duplicate field 'lm_head.bias'"), e.getMessage());
        Path number = shardedWithIndex(s -> s.replace("\"lm_head.bias\": \"model-00002-of-00002.safetensors\"",
                "\"lm_head.bias\": 2"));
        assertRefused(number, "weight_map entry 'lm_head.bias': expected a string, found 2");
        Path notAMap = shardedWithIndex(s -> s.replaceFirst("\"weight_map\": \\{[^}]*}", "\"weight_map\": []"));
        assertRefused(notAMap, "weight_map: expected an object, found []");
    }

    @Test
    void halfAndBfloat16DecodeAsTorchDoes() throws IOException {
        try (SafetensorsFile in = SafetensorsFile.open(resource("dtypes.safetensors"));
                SafetensorsFile want = SafetensorsFile.open(resource("dtypes.expected.safetensors"))) {
            assertEquals("F16", in.info("f16").dtype());
            assertEquals("BF16", in.info("bf16").dtype());
            assertTrue(in.info("f16").numel() > 4096, "all subnormal, infinite and NaN patterns are included");
            for (String n : List.of("f16", "bf16")) {
                float[] w = want.readFloats(n);
                float[] g = in.readFloats(n);
                for (int i = 0; i < w.length; i++) {
                    // bit-exact, except that any NaN matches any NaN
                    assertTrue(Float.floatToRawIntBits(w[i]) == Float.floatToRawIntBits(g[i]) || (Float.isNaN(w[i]) && Float.isNaN(g[i])),
                            n + "[" + i + "]: " + w[i] + " vs " + g[i]);
                }
            }
        }
    }

    // ---- refusals ----

    private static void mentions(Exception e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
        }
    }

    @Test
    void torchSavedOsSystemIsRefusedAndNothingRuns() {
        Path out = tmp.resolve("x.safetensors");
        var e = assertThrows(FileFormatException.class, () -> TorchConverter.convert(resource("malicious.bin"), out));
        mentions(e, "refused global 'posix.system'", "nothing was executed", "data.pkl");
        assertFalse(Files.exists(out));
    }

    @Test
    void legacyFormatAsksForAResave() {
        var e = assertThrows(FileFormatException.class, () -> TorchCheckpoint.open(resource("legacy.bin")));
        mentions(e, "legacy", "unsupported", "re-save", "torch >= 1.6");
    }

    /** A pickle builder for hand-made hostile or broken data.pkl files. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle global(String module, String name) {
            return op('c').text(module + "\n" + name + "\n");
        }

        Pickle text(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A state dict {'w': FloatStorage tensor (offset, size, stride)} over storage '0' of {@code numel} floats. */
    private static Pickle stateDict(int offset, int size, int stride, int numel) {
        return new Pickle().op(0x80, 2).global("collections", "OrderedDict").op(')', 'R', '(').str("w")
                .global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage").global("torch", "FloatStorage")
                .str("0").str("cpu").op('J').op(le32(numel)).op('t', 'Q', 'K', offset, 'K', size, 0x85, 'K', stride, 0x85, 0x89)
                .global("collections", "OrderedDict").op(')', 'R', 't', 'R', 'u', '.');
    }

    private static int[] le32(int v) {
        return new int[] {v & 0xff, v >>> 8 & 0xff, v >>> 16 & 0xff, v >>> 24};
    }

    private Path zip(String name, Map<String, byte[]> entries, boolean deflate) throws IOException {
        Path p = tmp.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (var e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(e.getValue().length);
                    ze.setCompressedSize(e.getValue().length);
                    ze.setCrc(crc.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }

    private Path checkpoint(byte[] pickle, byte[] storage) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("anything/data.pkl", pickle);
        m.put("anything/data/0", storage);
        return zip("c.bin", m, false);
    }

    @Test
    void handMadeCheckpointWithAnyTopFolderReadsAStridedView() throws IOException {
        Path p = checkpoint(stateDict(1, 3, 2, 8).bytes(), RawSafetensors.f32(0, 1, 2, 3, 4, 5, 6, 7));
        try (TorchCheckpoint t = TorchCheckpoint.open(p)) {
            assertArrayEquals(new float[] {1, 3, 5}, t.readFloats("w"));
        }
    }

    @Test
    void disallowedGlobalsAreRefused() throws IOException {
        byte[][] pickles = {
            new Pickle().op(0x80, 2).global("builtins", "eval").str("1+1").op(0x85, 'R', '.').bytes(),
            new Pickle().op(0x80, 2).global("__builtin__", "getattr").op('.').bytes(),
            new Pickle().op(0x80, 4, 0x8c, 8).text("builtins").op(0x8c, 4).text("exec").op(0x93, '.').bytes(),
            new Pickle().op(0x80, 2).global("torch", "load").op('.').bytes(),
        };
        String[] names = {"builtins.eval", "__builtin__.getattr", "builtins.exec", "torch.load"};
        for (int i = 0; i < pickles.length; i++) {
            Path p = checkpoint(pickles[i], new byte[0]);
            var e = assertThrows(FileFormatException.class, () -> TorchCheckpoint.open(p), names[i]);
            mentions(e, "refused global '" + names[i] + "'", "anything/data.pkl");
        }
    }

    @Test
    void brokenPicklesAndStoragesGiveClearErrors() throws IOException {
        String[][] cases = {
            {"no STOP", new String(stateDict(0, 2, 1, 2).bytes(), StandardCharsets.ISO_8859_1).replaceFirst("\\.$", ""), "no STOP"},
            {"unknown opcode", "\u0080\u0002\u00ff.", "opcode"},
            {"not a dict", "\u0080\u0002K\u0005.", "state dict"},
            {"string too long", "\u0080\u0002X\u00ff\u00ff\u00ff\u007f.", "length"},
            {"negative 64-bit length", "\u0080\u0004\u008d\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff.", "18446744073709551615"},
            {"pop below the mark", "\u0080\u0002K\u0001(s.", "value(s) on the stack"},
        };
        for (String[] c : cases) {
            Path p = checkpoint(c[1].getBytes(StandardCharsets.ISO_8859_1), new byte[0]);
            mentions(assertThrows(FileFormatException.class, () -> TorchCheckpoint.open(p), c[0]), c[2]);
        }
        // a view reaching past its storage
        Path past = checkpoint(stateDict(2, 3, 3, 8).bytes(), new byte[32]);
        mentions(assertThrows(FileFormatException.class, () -> TorchCheckpoint.open(past)), "inside its storage", "element 8");
        // a storage entry shorter than the pickle says
        Path shortStorage = checkpoint(stateDict(0, 2, 1, 8).bytes(), new byte[16]);
        try (TorchCheckpoint t = TorchCheckpoint.open(shortStorage)) {
            mentions(assertThrows(FileFormatException.class, () -> t.readFloats("w")), "32 bytes", "found 16");
        }
        Path noPkl = zip("n.bin", Map.of("x/data/0", new byte[4]), false);
        mentions(assertThrows(FileFormatException.class, () -> TorchCheckpoint.open(noPkl)), "data.pkl");
        Path notZip = tmp.resolve("text.bin");
        Files.writeString(notZip, "hello");
        mentions(assertThrows(FileFormatException.class, () -> TorchCheckpoint.open(notZip)), "zip archive");
    }

    /**
     * Random corruptions of a real torch pickle (fixed seed) must each end in a result or a
     * FileFormatException: never another exception, a StackOverflowError or a hang.
     */
    @Test
    void corruptedPicklesFailCleanly() throws IOException {
        byte[] pkl;
        try (var z = new java.util.zip.ZipFile(resource("mixed.bin").toFile())) {
            pkl = z.getInputStream(z.getEntry("archive/data.pkl")).readAllBytes();
        }
        java.util.Random r = new java.util.Random(42);
        Path name = Path.of("fuzz.pkl");
        int refused = 0;
        for (int trial = 0; trial < 1000; trial++) {
            byte[] b = pkl.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            if (r.nextInt(4) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            try {
                Unpickler.load(name, b);
            } catch (FileFormatException e) {
                refused++;
            }
        }
        assertTrue(refused > 300, "most corruptions are detected: " + refused);
    }

    /** Rewrites the 32-bit size fields (compressed only when {@code compressed >= 0}) of an entry's local and central headers. */
    private static void claimSize(Path zip, String entry, long compressed, long size) throws IOException {
        byte[] b = Files.readAllBytes(zip);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 < b.length; i++) {
            int sig = bb.getInt(i);
            if (sig == 0x04034b50 && matches(b, i + 30, name) && bb.getShort(i + 26) == name.length) {
                patch(bb, i + 18, compressed, size);
            } else if (sig == 0x02014b50 && matches(b, i + 46, name) && bb.getShort(i + 28) == name.length) {
                patch(bb, i + 20, compressed, size);
            }
        }
        Files.write(zip, b);
    }

    private static void patch(ByteBuffer bb, int at, long compressed, long size) {
        if (compressed >= 0) {
            bb.putInt(at, (int) compressed);
        }
        bb.putInt(at + 4, (int) size);
    }

    private static boolean matches(byte[] b, int at, byte[] name) {
        if (at + name.length > b.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (b[at + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    @Test
    void hugeZipEntryClaimsAreRefusedWithoutAllocating() throws IOException {
        // a stored storage entry claiming 4 GB - 4 in a tiny archive, the pickle agreeing with the claim
        int numel = 0x3FFFFFFF;
        Path stored = checkpoint(stateDict(0, 2, 1, numel).bytes(), new byte[32]);
        claimSize(stored, "anything/data/0", 4L * numel, 4L * numel);
        var e = assertThrows(IOException.class, () -> {
            try (TorchCheckpoint t = TorchCheckpoint.open(stored)) {
                t.readFloats("w");
            }
        });
        mentions(e, "anything/data/0", "claims 4294967292 bytes");

        // a deflated data.pkl whose directory claims 2 GB: more than deflate can expand its few bytes to
        Path deflated = zip("d.bin", Map.of("top/data.pkl", stateDict(0, 2, 1, 8).bytes(), "top/data/0", new byte[32]), true);
        claimSize(deflated, "top/data.pkl", -1, 0x7FFFFFF0L);
        mentions(assertThrows(IOException.class, () -> TorchCheckpoint.open(deflated)), "top/data.pkl", "claims 2147483632 bytes");
    }

    /** Issue 15 #5: torch.zeros(1).expand(200_000_000) saved: one float of storage, a stride-0 view of 800 MB. */
    @Test
    void anExpandedStrideZeroViewIsRefusedBeforeAllocating() throws IOException {
        int numel = 200_000_000;
        byte[] pkl = new Pickle().op(0x80, 2).global("collections", "OrderedDict").op(')', 'R', '(').str("w")
                .global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage").global("torch", "FloatStorage")
                .str("0").str("cpu").op('K', 1).op('t', 'Q', 'K', 0, 'J').op(le32(numel)).op(0x85, 'K', 0, 0x85, 0x89)
                .global("collections", "OrderedDict").op(')', 'R', 't', 'R', 'u', '.').bytes();
        Path p = checkpoint(pkl, RawSafetensors.f32(7));
        mentions(assertThrows(FileFormatException.class, () -> TorchCheckpoint.open(p)), "anything/data.pkl",
                "tensor 'w'", "at most the 1 elements of its storage", "200000000", "expanded view");
        Path out = tmp.resolve("expanded.safetensors");
        mentions(assertThrows(FileFormatException.class, () -> TorchConverter.convert(p, out)), "c.bin");
        assertFalse(Files.exists(out), "nothing written");
    }

    /** Issue 15 #6: the central directory sends the storage entry's local header past the end of the archive. */
    @Test
    void aLocalHeaderOffsetPastTheEndNamesTheEntry() throws IOException {
        Path p = checkpoint(stateDict(0, 2, 1, 2).bytes(), RawSafetensors.f32(1, 2));
        byte[] b = Files.readAllBytes(p);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = "anything/data/0".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 < b.length; i++) {
            if (bb.getInt(i) == 0x02014b50 && matches(b, i + 46, name)) {
                bb.putInt(i + 42, b.length + 1000);
            }
        }
        Files.write(p, b);
        IOException e = assertThrows(IOException.class, () -> {
            try (TorchCheckpoint t = TorchCheckpoint.open(p)) {
                t.readFloats("w");
            }
        });
        assertInstanceOf(FileFormatException.class, e);
        mentions(e, "c.bin!", "anything/data/0", "a readable zip entry");
        assertFalse(e.getMessage().contains("null"), e.getMessage());
    }

    /** Found by fuzzing: an entry name holding a NUL made the message's archive!entry path itself throw InvalidPathException. */
    @Test
    void entryNamesWithControlCharactersAreQuotedInErrors() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a\u0000b/data.pkl", "\u0080\u0002K\u0005.".getBytes(StandardCharsets.ISO_8859_1));
        Path p = zip("nul.bin", m, false);
        FileFormatException e = assertThrows(FileFormatException.class, () -> TorchCheckpoint.open(p));
        mentions(e, "nul.bin!", "a\\x00b/data.pkl", "state dict");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
