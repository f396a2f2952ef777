package org.greenspoof.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.greenspoof.io.JsonErrors;
import org.greenspoof.store.EmbeddingSpec;
import org.greenspoof.store.StoreInfo;

/**
 * The embedding job's output: a folder of plain Parquet files {@code part-NNNNN.parquet}, one per task, and
 * {@code _SUCCESS} once every task is done. Columns: {@code position} (int64, the store order), {@code utt_id},
 * {@code path}, {@code speaker}, {@code attack}, {@code key} ("bonafide"/"spoof", null for unlabelled audio),
 * {@code seconds} (double), one {@code layer_K} (list of float32) per stored layer and {@code error} (null, or
 * why the file could not be embedded; the layers are then null). Every file's key-value metadata holds
 * {@value #PROVENANCE} = the store header ({@link StoreInfo}) as JSON, so that a later step refuses a mismatch.
 *
 * <p>Written by the tasks themselves (Spark's own Parquet writer has no place for key-value metadata): each
 * writes a hidden {@code .part-NNNNN.parquet.attempt-A} and renames it to its partition's name, so a retried or
 * speculative attempt replaces, never adds to, what another attempt wrote.
 */
public final class EmbeddingsParquet {
    public static final String PROVENANCE = "greenspoof.provenance";
    public static final String SUCCESS = "_SUCCESS";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddingsParquet() {
    }

    /** The column of hidden state {@code layer}. */
    public static String column(int layer) {
        return "layer_" + layer;
    }

    static MessageType schema(int[] layers) {
        StringBuilder s = new StringBuilder("message greenspoof_embeddings {\n"
                + "  required int64 position;\n"
                + "  required binary utt_id (STRING);\n"
                + "  required binary path (STRING);\n"
                + "  required binary speaker (STRING);\n"
                + "  required binary attack (STRING);\n"
                + "  optional binary key (STRING);\n"
                + "  optional double seconds;\n");
        for (int l : layers) {
            s.append("  optional group ").append(column(l)).append(" (LIST) { repeated group list { required float element; } }\n");
        }
        return MessageTypeParser.parseMessageType(s.append("  optional binary error (STRING);\n}\n").toString());
    }

    static String provenanceJson(StoreInfo info) throws IOException {
        return JSON.writeValueAsString(info);
    }

    /** Writes one task's rows to {@code dir/part-NNNNN.parquet} (see the class comment); returns their count. */
    static long writePart(String dir, int partition, int attempt, String provenanceJson, int[] layers,
                          Iterator<Embedded> rows) throws IOException {
        Configuration conf = new Configuration();
        Path folder = new Path(dir);
        FileSystem fs = folder.getFileSystem(conf);
        Path part = new Path(folder, String.format("part-%05d.parquet", partition));
        Path tmp = new Path(folder, String.format(".part-%05d.parquet.attempt-%d", partition, attempt));
        MessageType schema = schema(layers);
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        long n = 0;
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(tmp, conf))
                .withType(schema).withConf(conf).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withExtraMetaData(Map.of(PROVENANCE, provenanceJson)).build()) {
            while (rows.hasNext()) {
                Embedded e = rows.next();
                Input in = e.input();
                Group g = groups.newGroup().append("position", in.position()).append("utt_id", in.id())
                        .append("path", in.path()).append("speaker", in.speaker()).append("attack", in.attack());
                if (in.key() != null) {
                    g.append("key", in.key());
                }
                if (e.error() != null) {
                    g.append("error", e.error());
                } else {
                    g.append("seconds", e.seconds());
                    for (int i = 0; i < layers.length; i++) {
                        Group list = g.addGroup(column(layers[i]));
                        for (float v : e.vectors()[i]) {
                            list.addGroup("list").append("element", v);
                        }
                    }
                }
                w.write(g);
                n++;
            }
        }
        fs.delete(part, false);
        if (!fs.rename(tmp, part)) {
            throw new IOException("cannot rename " + tmp + " to " + part);
        }
        return n;
    }

    /**
     * The provenance of a finished embedding output: every part file must carry one, and the same one.
     * Refused: a folder without {@value #SUCCESS} (a job that did not finish), without part files, or whose
     * parts differ (outputs of two jobs in one folder), naming the files and the field.
     */
    public static StoreInfo provenance(String dir, Configuration conf) throws IOException {
        Path folder = new Path(dir);
        FileSystem fs = folder.getFileSystem(conf);
        if (!fs.exists(new Path(folder, SUCCESS))) {
            throw new IOException(dir + ": no " + SUCCESS + ", so the embedding job that writes it did not finish "
                    + "(or this is not its output); run it again");
        }
        List<FileStatus> parts = new ArrayList<>();
        for (FileStatus f : fs.listStatus(folder)) {
            String name = f.getPath().getName();
            if (name.startsWith("part-") && name.endsWith(".parquet")) {
                parts.add(f);
            }
        }
        if (parts.isEmpty()) {
            throw new IOException(dir + ": expected part-NNNNN.parquet files, found none");
        }
        parts.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        StoreInfo first = null;
        Path firstFile = null;
        for (FileStatus f : parts) {
            String json;
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
                json = r.getFileMetaData().getKeyValueMetaData().get(PROVENANCE);
            }
            if (json == null) {
                throw new IOException(f.getPath() + ": no " + PROVENANCE + " in its key-value metadata: not written by "
                        + "the greenspoof embedding job");
            }
            StoreInfo info;
            try {
                info = JSON.readValue(json, StoreInfo.class);
            } catch (IOException e) {
                throw new IOException(f.getPath() + ": expected a store header as JSON in " + PROVENANCE + "; "
                        + JsonErrors.describe(e));
            }
            if (first == null) {
                first = info;
                firstFile = f.getPath();
                continue;
            }
            List<EmbeddingSpec.Difference> diffs = first.provenanceDifferences(info);
            if (!diffs.isEmpty()) {
                EmbeddingSpec.Difference d = diffs.get(0);
                throw new IOException(firstFile + " and " + f.getPath() + " come from different jobs: " + d.field()
                        + " is " + d.mine() + " in the first but " + d.theirs() + " in the second");
            }
        }
        return first;
    }
}
