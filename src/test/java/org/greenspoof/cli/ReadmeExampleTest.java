package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.detect.Detector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java API example ({@code src/test/resources/readme/DetectExample.java}, quoted verbatim
 * in the README) compiles against the library and runs: trained on a small synthetic corpus, it
 * prints one verdict per file that matches the Detector's own.
 */
class ReadmeExampleTest {

    @TempDir
    Path tmp;

    static String example() throws IOException {
        try (InputStream in = ReadmeExampleTest.class.getResourceAsStream("/readme/DetectExample.java")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readmeExampleCompilesAndRuns() throws Exception {
        String source = example();
        // When the README quotes the example, it must quote this exact text.
        Path readme = Path.of("README.md");
        if (Files.isRegularFile(readme) && Files.readString(readme).contains("class DetectExample")) {
            assertTrue(Files.readString(readme).contains(source.strip()), "README.md quotes the example verbatim");
        }
        Path src = Files.createDirectories(tmp.resolve("src")).resolve("DetectExample.java");
        Files.writeString(src, source);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertEquals(0, rc, diag.toString(StandardCharsets.UTF_8));

        Path corpus = SharedCorpus.get();
        Path train = tmp.resolve("train"), model = tmp.resolve("model.json");
        Capture.run("embed", "--dataset", corpus.toString(), "--partition", "train", "--out", train.toString(),
                "--no-progress").expect(0);
        Capture.run("train", "--train", train.toString(), "--c", "1", "--out", model.toString()).expect(0);
        List<Utterance> eval = Datasets.read(corpus, "eval").subList(0, 3);

        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            String[] args = {model.toString(), eval.get(0).audio().toString(), eval.get(1).audio().toString(),
                    eval.get(2).audio().toString()};
            loader.loadClass("DetectExample").getMethod("main", String[].class).invoke(null, (Object) args);
        } finally {
            System.setOut(old);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(3, lines.length);
        Detector d = Detector.load(model, null);
        for (int i = 0; i < 3; i++) {
            Detector.Verdict v = d.score(eval.get(i).audio());
            assertEquals(v.id() + " " + v.score() + (v.bonafide() ? " bona fide" : " spoof")
                    + (v.warning() != null ? " (" + v.warning() + ")" : ""), lines[i]);
        }
    }
}
