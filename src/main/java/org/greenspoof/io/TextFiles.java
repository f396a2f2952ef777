package org.greenspoof.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Helpers for the line-oriented text files users hand us (protocols, lists, score files). */
public final class TextFiles {
    private TextFiles() {
    }

    /**
     * The line (from 1) holding the first byte sequence that is not UTF-8, or -1 when the whole file
     * is UTF-8. A reader's MalformedInputException says only "Input length = 1", and it is raised
     * where the read-ahead buffer met the bytes, not on the line the caller had reached; this scan
     * runs on that error path only and finds the real line.
     */
    public static long firstNonUtf8Line(Path file) throws IOException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        long line = 1;
        try (InputStream s = Files.newInputStream(file)) {
            boolean eof = false;
            while (true) {
                int n = eof ? -1 : s.read(in.array(), in.position(), in.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    in.position(in.position() + n);
                }
                in.flip();
                CoderResult r = dec.decode(in, out, eof);
                out.flip();
                for (int i = 0; i < out.limit(); i++) {
                    if (out.get(i) == '\n') {
                        line++;
                    }
                }
                out.clear();
                if (r.isError() || (eof && in.hasRemaining())) {
                    return line;
                }
                in.compact();
                if (eof) {
                    return -1;
                }
            }
        }
    }
}
