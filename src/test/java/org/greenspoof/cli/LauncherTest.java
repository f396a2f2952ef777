package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/greenspoof hides the JVM's incubator warning without holding back or rewriting anything
 * else: on a terminal (a pseudo-terminal from util-linux {@code script}) a bar drawn with a carriage
 * return shows while the program still runs, and odd bytes pass unchanged.
 */
class LauncherTest {

    /** JVM start-up on a loaded 2-core machine, with margin. */
    static final long START_SECONDS = 60;
    static final String WARNING = "WARNING: Using incubator modules";

    @TempDir
    Path tmp;

    /** A jar holding only a manifest: LauncherProbe as main class, the test class path as its Class-Path. */
    private Path probeJar() throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        List<String> urls = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(e).toUri().toString()); // folders end in '/', as Class-Path needs
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        Path jar = tmp.resolve("probe.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }

    private ProcessBuilder launcher(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("GREENSPOOF_JAR", probeJar().toString());
        pb.environment().put("LC_ALL", "C.UTF-8"); // where a text filter would call 0xfe an encoding error
        pb.environment().remove("GREENSPOOF_JAVA_OPTS");
        return pb;
    }

    @Test
    void onATerminalTheBarShowsWhileTheProgramRuns() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/script").canExecute(), "util-linux script not installed");
        Process p = launcher("/usr/bin/script", "-q", "-e", "-c", "tools/greenspoof", "/dev/null").start();
        try {
            checkTerminalRun(p);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void checkTerminalRun(Process p) throws Exception {
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), transcript));
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!text(transcript).contains(LauncherProbe.BAR) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String before = text(transcript);
        assertTrue(before.contains("\r" + LauncherProbe.BAR), "the bar arrives while the program waits:\n" + before);
        p.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        assertTrue(p.waitFor(START_SECONDS, TimeUnit.SECONDS));
        reader.join();
        byte[] all = transcript.toByteArray();
        String s = text(transcript);
        assertEquals(0, p.exitValue(), s);
        assertTrue(s.contains("probe done go terminal=true"), s);
        assertFalse(s.contains(WARNING), s);
        assertTrue(indexOf(all, java.util.Arrays.copyOf(LauncherProbe.ODD, LauncherProbe.ODD.length - 1)) >= 0,
                "odd bytes unchanged:\n" + s);
    }

    @Test
    void stderrToAFileGetsEveryByteButTheWarning() throws Exception {
        Path err = tmp.resolve("err"), out = tmp.resolve("out");
        Process p = launcher("tools/greenspoof").redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        p.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(START_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(err, StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(("\r" + LauncherProbe.BAR).getBytes(StandardCharsets.UTF_8));
        expected.write(LauncherProbe.ODD);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(err),
                Files.readString(err, StandardCharsets.ISO_8859_1));
        assertEquals("probe done go terminal=false\n", Files.readString(out));
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (to) {
                    to.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
