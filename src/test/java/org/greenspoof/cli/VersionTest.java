package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.greenspoof.Version;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.Test;

/** The version is the pom's (and the checkout's commit), in --version and in every store and model file. */
class VersionTest {

    @Test
    void theVersionIsThePomsAndTheCommit() throws IOException, InterruptedException {
        Matcher m = Pattern.compile("<artifactId>greenspoof</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find());
        String v = Version.text();
        assertTrue(v.startsWith(m.group(1)), v);
        // buildnumber-maven-plugin names the newest commit that is not a merge.
        Process git = new ProcessBuilder("git", "log", "-1", "--no-merges", "--format=%h", "--abbrev=7")
                .redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes()).trim();
        if (git.waitFor() == 0) {
            assertEquals(m.group(1) + " (git " + head + ")", v);
        }
        assertEquals("greenspoof " + v + "\n", Capture.run("--version").expect(0).out());
        assertTrue(Capture.run("version").expect(0).out().startsWith("greenspoof " + v + "\n"));
    }

    @Test
    void storesAndModelFilesRecordIt() throws IOException {
        assertEquals(Version.text(), EmbeddingStore.open(SharedModel.get().resolve("train")).info().greenspoof());
        assertEquals(Version.text(), new ObjectMapper().readTree(SharedModel.model().toFile()).get("greenspoof_version")
                .asText());
    }
}
