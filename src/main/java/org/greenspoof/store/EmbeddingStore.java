package org.greenspoof.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.greenspoof.dataset.Label;
import org.greenspoof.io.AtomicFiles;
import org.greenspoof.io.JsonErrors;
import org.greenspoof.io.Npy;

/**
 * An embedding store: a folder holding
 * <ul>
 *   <li>{@code store.json}: the {@link StoreInfo} header, written at creation (and its version raised
 *       when an older store is resumed);</li>
 *   <li>{@code shard-NNNNN.npy}: NumPy float32 {@code [utterances][layers][dim]} arrays (see {@link ShardIo});</li>
 *   <li>{@code index.json}: the committed shards in order, each with its file name, CRC-32 and utterances
 *       ({@code {id, label, attack, speaker, seconds}}), and the utterances that failed ({@code id, path, error});</li>
 *   <li>{@code journal.jsonl}, while a run is going on or after one was killed: one line per commit since
 *       index.json was last written, {@code {"shard": {...} or null, "failures": [...]}}.</li>
 * </ul>
 * Crash safety: a shard is written to a temporary file and atomically renamed ({@link AtomicFiles}),
 * then its line is appended to the journal and forced to disk. A shard exists in the store only once
 * the index or a complete journal line names it; on reopening, files neither names (left by a crash
 * between the two steps) are deleted and a torn last journal line is cut off, so a killed run resumes
 * at the first utterance not committed, with nothing duplicated or lost. A commit costs one line, not
 * a rewrite of the index (tens of MB at the 611k utterances of ASVspoof 2021 DF, once per shard);
 * {@link #compact} folds the journal into index.json at the end of a run.
 *
 * <p>One writer at a time: {@link #createOrResume} takes the folder's {@link StoreLock} ({@code writer.lock},
 * naming the holder's pid and host) until {@link #close}; a second writer is refused, a lock left by a
 * killed writer is taken over. Resuming checks every committed shard's size and CRC-32 and drops the
 * missing or damaged ones from the index, so their utterances are embedded again ({@link #repairs}).
 * Every file is validated as it is read: malformed JSON, null or missing fields and shard names other
 * than {@code shard-NNNNN.npy} are a {@link StoreException} naming the file (and the journal line).
 *
 * <p>A reader may open a store while a run writes it: it reads the journal before index.json. The
 * writer only ever replaces index.json by one that holds everything journaled so far, and only then
 * deletes the journal, so whichever versions the reader meets, the index is at least as new as the
 * journal it read, and replay (which skips what the index already holds) yields a consistent prefix.
 */
public final class EmbeddingStore implements Closeable {
    public static final String HEADER = "store.json";
    public static final String INDEX = "index.json";
    public static final String JOURNAL = "journal.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Largest vector and layer count a header may state (a 3840-wide XLS-R 2B meanstd vector, 49
     * hidden states, are far inside): shard sizes computed from them stay within 64 bits.
     */
    private static final int MAX_DIM = 1 << 20;
    private static final int MAX_LAYERS = 1 << 10;
    /** The only shard names the store writes; anything else in an index (a path, "..") is refused. */
    private static final Pattern SHARD_NAME = Pattern.compile("shard-(\\d{5,9})\\.npy");
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One stored utterance. */
    public record Entry(String id, String label, String attack, String speaker, double seconds) {
        public Label labelValue() {
            return Label.parseOrNull(label);
        }
    }

    /** An utterance that could not be embedded. */
    public record Failure(String id, String path, String error) {
    }

    record Shard(String file, long crc32, List<Entry> utterances) {
    }

    record Index(List<Shard> shards, List<Failure> failures) {
    }

    /** One commit in the journal; {@code shard} is null when every utterance of the chunk failed. */
    record Commit(Shard shard, List<Failure> failures) {
    }

    private final Path dir;
    private final StoreInfo info;
    private final List<Shard> shards;
    private final List<Failure> failures;
    /** Bytes of the journal that hold complete commits (what a resumed run keeps). */
    private long journalLength;
    /** Shards whose checksum this process has checked: reading layer after layer checks each file once. */
    private final Set<String> verified = new HashSet<>();
    /** Held by a store opened for writing ({@link #createOrResume}), null when opened for reading. */
    private StoreLock lock;
    /** What resuming found missing or damaged and dropped, one line each. */
    private final List<String> repairs = new ArrayList<>();

    private EmbeddingStore(Path dir, StoreInfo info, Index index) {
        this.dir = dir;
        this.info = info;
        this.shards = new ArrayList<>(index.shards());
        this.failures = new ArrayList<>(index.failures());
    }

    /** Opens an existing store for reading. */
    public static EmbeddingStore open(Path dir) throws IOException {
        Path header = dir.resolve(HEADER);
        if (!Files.isRegularFile(header)) {
            throw new StoreException(dir, "not an embedding store (no " + HEADER + ")");
        }
        StoreInfo info = readJson(header, StoreInfo.class, "a store header");
        if (!StoreInfo.FORMAT.equals(info.format()) || info.version() < StoreInfo.OLDEST_READABLE
                || info.version() > StoreInfo.VERSION) {
            throw new StoreException(header, "expected format " + StoreInfo.FORMAT + " version "
                    + StoreInfo.OLDEST_READABLE + " to " + StoreInfo.VERSION + ", found " + info.format() + " version "
                    + info.version() + (info.version() > StoreInfo.VERSION ? " (written by a newer greenspoof)" : ""));
        }
        checkHeader(header, info);
        // The journal first: see the class comment.
        byte[] journal;
        try {
            journal = Files.readAllBytes(dir.resolve(JOURNAL));
        } catch (NoSuchFileException e) {
            journal = null;
        }
        Path index = dir.resolve(INDEX);
        Index idx = Files.isRegularFile(index) ? readJson(index, Index.class, "a store index")
                : new Index(List.of(), List.of());
        if (idx.shards() == null || idx.failures() == null) {
            throw new StoreException(index, "expected {\"shards\": [...], \"failures\": [...]}, found "
                    + (idx.shards() == null ? "no shards list" : "no failures list"));
        }
        for (Shard sh : idx.shards()) {
            checkShard(index, sh);
        }
        for (Failure f : idx.failures()) {
            checkFailure(index, f);
        }
        EmbeddingStore s = new EmbeddingStore(dir, info, idx);
        if (journal != null) {
            s.replayJournal(journal);
        }
        return s;
    }

    /**
     * Adds the journal's complete lines. Only the last line may be torn (a kill mid-append; it ends
     * without a newline); commits already in index.json (a kill between {@link #compact}'s two steps)
     * are skipped.
     */
    private void replayJournal(byte[] bytes) throws IOException {
        Path journal = dir.resolve(JOURNAL);
        Set<String> files = new HashSet<>();
        shards.forEach(sh -> files.add(sh.file()));
        int start = 0, line = 0;
        for (int end; (end = indexOf(bytes, (byte) '\n', start)) >= 0; start = end + 1) {
            line++;
            Commit c;
            try {
                c = JSON.readValue(bytes, start, end - start, Commit.class);
            } catch (IOException e) {
                c = null;
            }
            if (c == null || c.failures() == null) {
                throw StoreException.atLine(journal, line, "expected a commit line {\"shard\": ..., \"failures\": [...]}"
                        + "; only a last line can be torn by a crash, so the file was damaged otherwise. The commits "
                        + "before it are intact: cut the file at the end of line " + (line - 1) + " to keep them");
            }
            Path at = Path.of(journal + ":" + line);
            if (c.shard() != null) {
                checkShard(at, c.shard());
            }
            for (Failure f : c.failures()) {
                checkFailure(at, f);
            }
            if (c.shard() != null && files.add(c.shard().file())) {
                shards.add(c.shard());
            }
            apply(c);
        }
        journalLength = start;
    }

    /**
     * Updates the failure list for one commit: a failed utterance retried by a later run either
     * succeeded (it leaves the list) or failed again (its new error replaces the old). Applying a
     * commit twice (one already folded into index.json) changes nothing.
     */
    private void apply(Commit c) {
        Set<String> retried = new HashSet<>();
        if (c.shard() != null) {
            c.shard().utterances().forEach(e -> retried.add(e.id()));
        }
        c.failures().forEach(f -> retried.add(f.id()));
        failures.removeIf(f -> retried.contains(f.id()));
        failures.addAll(c.failures());
    }

    /** Reads one of the store's JSON files; Jackson's messages name no file, so this one does. */
    private static <T> T readJson(Path file, Class<T> type, String what) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        T value;
        try {
            value = JSON.readValue(bytes, type);
        } catch (IOException e) { // Jackson's, or a decoder's when the first bytes made it guess UTF-16/32
            throw new StoreException(file, "expected " + what + " as greenspoof writes it; " + JsonErrors.describe(e));
        }
        if (value == null) {
            throw new StoreException(file, "expected " + what + " as greenspoof writes it, found null");
        }
        return value;
    }

    private static void checkHeader(Path file, StoreInfo h) throws StoreException {
        if (h.dim() > MAX_DIM || (h.layers() != null && h.layers().length > MAX_LAYERS)) {
            throw new StoreException(file, "expected dim <= " + MAX_DIM + " and at most " + MAX_LAYERS + " layers, found dim "
                    + h.dim() + " and " + (h.layers() == null ? 0 : h.layers().length) + " layers");
        }
        String missing = h.frontend() == null ? "frontend" : h.model() == null ? "model" : h.layers() == null
                || h.layers().length == 0 ? "layers" : h.pooling() == null ? "pooling" : h.partition() == null
                ? "partition" : h.dataset() == null ? "dataset" : h.dim() <= 0 ? "dim" : null;
        if (missing != null) {
            throw new StoreException(file, "expected a store header with field '" + missing + "' set, found "
                    + (missing.equals("dim") ? "dim " + h.dim() : missing.equals("layers") ? "no layers" : "null"));
        }
        if (h.shard() != null) {
            try {
                h.shardSpec();
            } catch (IllegalArgumentException e) {
                throw new StoreException(file, "field 'shard': " + e.getMessage());
            }
        }
    }

    /** A shard as written: a shard-NNNNN.npy name and its utterances, each with an id, a known label and an attack. */
    private static void checkShard(Path where, Shard s) throws StoreException {
        if (s == null || s.file() == null || !SHARD_NAME.matcher(s.file()).matches()) {
            throw new StoreException(where, "expected a shard {\"file\": \"shard-NNNNN.npy\", \"crc32\": ..., "
                    + "\"utterances\": [...]}, found " + (s == null ? "null" : "file " + s.file()));
        }
        if (s.utterances() == null || s.utterances().isEmpty()) {
            throw new StoreException(where, "expected the utterances of shard " + s.file() + ", found none");
        }
        for (Entry e : s.utterances()) {
            if (e == null || e.id() == null || e.label() == null || e.labelValue() == null || e.attack() == null
                    || !(e.seconds() >= 0 && e.seconds() < Double.POSITIVE_INFINITY)) {
                throw new StoreException(where, "expected utterances {\"id\", \"label\": bonafide|spoof, \"attack\", "
                        + "\"seconds\" >= 0} in shard " + s.file() + ", found " + e);
            }
        }
    }

    private static void checkFailure(Path where, Failure f) throws StoreException {
        if (f == null || f.id() == null || f.path() == null || f.error() == null) {
            throw new StoreException(where, "expected failures {\"id\", \"path\", \"error\"}, found " + f);
        }
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Creates a store, or reopens one written by an earlier (possibly killed) run of the same job:
     * the header must agree on everything that determines the vectors, otherwise an error says what
     * differs. Removes uncommitted shard and temporary files.
     */
    public static EmbeddingStore createOrResume(Path dir, StoreInfo wanted) throws IOException {
        if (Files.isRegularFile(dir.resolve(HEADER))) {
            StoreLock lock = StoreLock.acquire(dir);
            try {
                EmbeddingStore s = open(dir);
                s.lock = lock;
                String conflict = s.info.conflictWith(wanted);
                if (conflict != null) {
                    // Shards hold every stored layer of an utterance together, so a store cannot gain layers.
                    boolean layers = !java.util.Arrays.equals(s.info.layers(), wanted.layers());
                    throw new IllegalArgumentException(dir + " holds a different job (" + conflict + "); " + (layers
                            ? "a store's layers are fixed when it is created: embed the other layers into a new store "
                            + "(another --out), or delete it and embed every layer you want in one run (the forward "
                            + "pass costs the same up to the highest layer)" : "choose another --out or delete it"));
                }
                s.removeUncommitted();
                s.dropBadShards();
                s.compact();
                if (s.info.version() < StoreInfo.VERSION) {
                    // Before the first journal line, so that an older reader refuses rather than misses commits.
                    s.writeHeader(s.info.withVersion(StoreInfo.VERSION));
                }
                return s;
            } catch (IOException | RuntimeException e) {
                lock.close();
                throw e;
            }
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.anyMatch(p -> !p.getFileName().toString().equals(StoreLock.FILE))) {
                    throw new IllegalArgumentException(dir + " exists, is not empty and is not an embedding store");
                }
            }
        }
        Files.createDirectories(dir);
        StoreLock lock = StoreLock.acquire(dir);
        try {
            if (Files.isRegularFile(dir.resolve(HEADER))) {
                // Another writer created it between our look and our lock: resume it like any store.
                lock.close();
                return createOrResume(dir, wanted);
            }
            EmbeddingStore s = new EmbeddingStore(dir, wanted, new Index(List.of(), List.of()));
            s.lock = lock;
            s.writeJson(INDEX, new Index(List.of(), List.of()));
            s.writeHeader(wanted); // last: a folder with store.json is a complete empty store
            return s;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Checks the size and CRC-32 of every committed shard; a missing or damaged one is dropped from
     * the index (rewritten at once) and its file deleted, so that this run embeds its utterances again.
     */
    private void dropBadShards() throws IOException {
        List<Shard> bad = new ArrayList<>();
        for (Shard s : shards) {
            Path file = dir.resolve(s.file());
            long expected = Npy.fileSize(new long[] {s.utterances().size(), info.layers().length, info.dim()});
            String problem;
            if (!Files.isRegularFile(file)) {
                problem = "missing";
            } else if (Files.size(file) != expected) {
                problem = "damaged (" + Files.size(file) + " bytes, the index implies " + expected + ")";
            } else {
                long crc = ShardIo.crc32(file);
                problem = crc == s.crc32() ? null : "damaged (CRC-32 " + Long.toHexString(crc) + ", the index recorded "
                        + Long.toHexString(s.crc32()) + ")";
            }
            if (problem == null) {
                verified.add(s.file());
            } else {
                bad.add(s);
                repairs.add(file + ": " + problem + " shard; its " + s.utterances().size()
                        + " utterances are embedded again");
            }
        }
        if (bad.isEmpty()) {
            return;
        }
        shards.removeAll(bad);
        rewriteIndex();
        for (Shard s : bad) {
            Files.deleteIfExists(dir.resolve(s.file()));
        }
    }

    /** What resuming found missing or damaged (and will embed again), one line per shard; empty for a sound store. */
    public List<String> repairs() {
        return List.copyOf(repairs);
    }

    private void removeUncommitted() throws IOException {
        Set<String> keep = new HashSet<>(List.of(HEADER, INDEX, JOURNAL, StoreLock.FILE));
        shards.forEach(sh -> keep.add(sh.file()));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                // Uncommitted shards, and the ".NAME.tmp-HEX" temporaries of every AtomicFiles write.
                if (!keep.contains(n) && (n.startsWith("shard-") || (n.startsWith(".") && n.contains(".tmp-")))) {
                    Files.delete(p);
                }
            }
        }
    }

    public StoreInfo info() {
        return info;
    }

    public Path directory() {
        return dir;
    }

    /** Stored utterances in store order. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        shards.forEach(s -> out.addAll(s.utterances()));
        return out;
    }

    /** Labels in {@link #entries()} order, 1 = bona fide, 0 = spoof (the classifiers' convention). */
    public int[] labels() {
        return entries().stream().mapToInt(e -> e.labelValue() == Label.BONAFIDE ? 1 : 0).toArray();
    }

    /** Attack ids in {@link #entries()} order ("-" for bona fide). */
    public String[] attacks() {
        return entries().stream().map(Entry::attack).toArray(String[]::new);
    }

    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Ids already stored: what a resumed run skips (failed ones are tried again). */
    public Set<String> storedIds() {
        Set<String> ids = new HashSet<>();
        shards.forEach(s -> s.utterances().forEach(e -> ids.add(e.id())));
        return ids;
    }

    /**
     * Commits one shard: {@code vectors[i]} ({@code [layers][dim]}) belongs to {@code entries.get(i)};
     * {@code newFailures} are recorded in the same index update. Either all of it is in the store
     * afterwards or (after a crash) none of it.
     */
    public synchronized void append(List<Entry> entries, float[][][] vectors, List<Failure> newFailures)
            throws IOException {
        if (entries.size() != vectors.length) {
            throw new IllegalArgumentException(entries.size() + " entries but " + vectors.length + " vectors");
        }
        if (lock == null) {
            throw new IllegalStateException(dir + ": opened for reading; createOrResume opens a store for writing");
        }
        Shard shard = null;
        if (!entries.isEmpty()) {
            String name = String.format("shard-%05d.npy", nextShardNumber());
            for (float[][] v : vectors) {
                if (v.length != info.layers().length || v[0].length != info.dim()) {
                    throw new IllegalArgumentException("vectors of " + v.length + " x " + v[0].length + ", the store holds "
                            + info.layers().length + " layers x " + info.dim());
                }
            }
            long crc = ShardIo.write(dir.resolve(name), vectors);
            shard = new Shard(name, crc, List.copyOf(entries));
        }
        byte[] line = JSON.writeValueAsBytes(new Commit(shard, List.copyOf(newFailures)));
        ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
        boolean created = journalLength == 0 && !Files.exists(dir.resolve(JOURNAL));
        try (FileChannel ch = FileChannel.open(dir.resolve(JOURNAL), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // At the end of the complete lines: a torn line a crash left is overwritten, never followed.
            ch.truncate(journalLength);
            long at = journalLength;
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
            ch.force(true);
            journalLength = at;
        }
        if (created) {
            AtomicFiles.syncDirectory(dir);
        }
        if (shard != null) {
            shards.add(shard);
        }
        apply(new Commit(shard, List.copyOf(newFailures)));
    }

    /** One more than the highest shard number in use (shards dropped by {@link #dropBadShards} leave gaps). */
    private int nextShardNumber() {
        int max = -1;
        for (Shard s : shards) {
            Matcher m = SHARD_NAME.matcher(s.file());
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max + 1;
    }

    /** Folds the journal into index.json (one atomic rewrite), then deletes it. */
    public synchronized void compact() throws IOException {
        if (Files.exists(dir.resolve(JOURNAL))) {
            rewriteIndex();
        }
    }

    /** Writes index.json with every commit so far, then deletes the journal that index now holds. */
    private void rewriteIndex() throws IOException {
        writeJson(INDEX, new Index(List.copyOf(shards), List.copyOf(failures)));
        Files.deleteIfExists(dir.resolve(JOURNAL));
        AtomicFiles.syncDirectory(dir);
        journalLength = 0;
    }

    /** Releases the writer's lock (nothing for a store opened for reading); every commit is already on disk. */
    @Override
    public synchronized void close() throws IOException {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    /** The vectors of one stored layer, {@code [utterances][dim]} in {@link #entries()} order. */
    public float[][] layer(int layer) throws IOException {
        int li = info.layerIndex(layer), nl = info.layers().length, dim = info.dim();
        List<float[]> rows = new ArrayList<>();
        for (Shard s : shards) {
            boolean verify = verified.add(s.file());
            float[][] part;
            try {
                part = ShardIo.readLayer(dir.resolve(s.file()), s.crc32(), verify, s.utterances().size(), nl, dim, li);
            } catch (IOException e) {
                verified.remove(s.file());
                throw e;
            }
            rows.addAll(List.of(part));
        }
        return rows.toArray(new float[0][]);
    }

    /** The committed shards, in store order. */
    List<Shard> shards() {
        return List.copyOf(shards);
    }

    /** Every stored layer of one shard's utterances, {@code [utterances][layers][dim]}, checksum checked. */
    float[][][] vectors(Shard s) throws IOException {
        return ShardIo.readAll(dir.resolve(s.file()), s.crc32(), s.utterances().size(), info.layers().length, info.dim());
    }

    private void writeHeader(StoreInfo header) throws IOException {
        AtomicFiles.write(dir.resolve(HEADER), PRETTY.writeValueAsBytes(header));
    }

    private void writeJson(String name, Object value) throws IOException {
        AtomicFiles.write(dir.resolve(name), JSON.writeValueAsBytes(value));
    }
}
