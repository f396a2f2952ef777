package org.greenspoof.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.greenspoof.detect.Detector;
import org.junit.jupiter.api.Test;

/**
 * The library's public API (every package but the CLI's) mentions none of the dependencies, which
 * the packaged jar relocates under org.greenspoof.shaded: a user could not name them anyway, and
 * must not need to. The README gives the coordinates the jar is installed under.
 */
class LibraryApiTest {

    /** The packages the jar relocates (pom.xml, maven-shade-plugin). */
    static final List<String> HIDDEN = List.of("picocli.", "com.fasterxml.jackson.", "org.apache.commons.math3.",
            "org.jtransforms.", "pl.edu.icm.jlargearrays.");

    @Test
    void publicSignaturesNameNoDependency() throws IOException, ClassNotFoundException {
        Path root = Path.of(Detector.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> leaks = new ArrayList<>();
        List<Path> classes;
        try (Stream<Path> s = Files.walk(root.resolve("org/greenspoof"))) {
            classes = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        int checked = 0;
        for (Path p : classes) {
            String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
            if (name.startsWith("org.greenspoof.cli.")) {
                continue; // the command line is an application, not API
            }
            Class<?> c = Class.forName(name, false, getClass().getClassLoader());
            if (!Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            checked++;
            List<String> sigs = new ArrayList<>();
            sigs.add(String.valueOf(c.getGenericSuperclass()));
            for (var i : c.getGenericInterfaces()) {
                sigs.add(i.getTypeName());
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers())) {
                    sigs.add(m.toGenericString());
                }
            }
            for (Executable k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers())) {
                    sigs.add(k.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers())) {
                    sigs.add(f.toGenericString());
                }
            }
            for (String sig : sigs) {
                for (String h : HIDDEN) {
                    if (sig.contains(h)) {
                        leaks.add(name + ": " + sig);
                    }
                }
            }
        }
        assertTrue(checked > 20, "found the library's classes in " + root);
        assertEquals(List.of(), leaks);
    }

    @Test
    void theReadmeGivesTheCoordinates() throws IOException {
        Matcher m = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find());
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("<groupId>" + m.group(1) + "</groupId>") && readme.contains("<artifactId>" + m.group(2)
                + "</artifactId>") && readme.contains("<version>" + m.group(3) + "</version>"), "README: Maven coordinates");
        assertTrue(readme.contains("--add-modules jdk.incubator.vector"));
    }

    private static boolean visible(int mod) {
        return Modifier.isPublic(mod) || Modifier.isProtected(mod);
    }
}
