package org.greenspoof.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams the one file part of a multipart/form-data body (RFC 7578) to an output, never holding
 * more than a delimiter's worth of it: the upload may be as large as the service allows, and
 * memory must not grow with it. Other parts (form fields) are read and dropped.
 */
final class Multipart {
    /** Most bytes of one part's headers: a file part's are a Content-Disposition and a Content-Type line. */
    static final int MAX_PART_HEADER_BYTES = 8192;
    /** RFC 2046: a boundary has 1 to 70 characters. */
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary=(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");

    /** The body is not the multipart/form-data the request said it is. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final byte[] delimiter;

    private Multipart(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether a Content-Type header says multipart/form-data. */
    static boolean isFormData(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /**
     * Copies the content of the body's one part with a filename to {@code out}.
     *
     * @return that file name as the client gave it (never used as a path), possibly empty
     */
    static String copyFilePart(String contentType, InputStream body, OutputStream out) throws IOException {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new MalformedException("multipart/form-data without a boundary parameter of 1 to 70 characters");
        }
        // The body is read as if preceded by CRLF, so the first delimiter looks like every other one.
        return new Multipart(new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(new byte[] {'\r', '\n'}), body),
                m.group(1) != null ? m.group(1) : m.group(2)).copy(out);
    }

    private String copy(OutputStream out) throws IOException {
        if (!skipTo(OutputStream.nullOutputStream())) {
            throw new MalformedException("multipart body without its boundary");
        }
        String filename = null;
        while (true) {
            int a = in.read(), b = in.read();
            if (a == '-' && b == '-') {
                break; // the closing delimiter; an epilogue is ignored
            }
            if (a != '\r' || b != '\n') {
                throw new MalformedException("multipart boundary not followed by CRLF or --");
            }
            String headers = headers();
            Matcher f = FILENAME.matcher(headers);
            boolean file = f.find();
            if (file && filename != null) {
                throw new MalformedException("more than one file part; send one recording per request");
            }
            if (!skipTo(file ? out : OutputStream.nullOutputStream())) {
                throw new MalformedException("truncated multipart body: a part has no closing boundary");
            }
            if (file) {
                filename = f.group(1);
            }
        }
        if (filename == null) {
            throw new MalformedException("multipart body without a file part (a part with a filename)");
        }
        return filename;
    }

    /** A part's header block, up to and including the empty line that ends it. */
    private String headers() throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        int state = 0; // how much of CRLF CRLF has been seen
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new MalformedException("truncated multipart body: a part's headers do not end");
            }
            if (h.size() >= MAX_PART_HEADER_BYTES) {
                throw new MalformedException("a multipart part's headers exceed " + MAX_PART_HEADER_BYTES + " bytes");
            }
            h.write(c);
            state = c == (state % 2 == 0 ? '\r' : '\n') ? state + 1 : c == '\r' ? 1 : 0;
        }
        return h.toString(StandardCharsets.UTF_8);
    }

    /**
     * Copies bytes to {@code out} up to the next delimiter, which is consumed and not copied (a
     * Knuth-Morris-Pratt match, so a false start inside the data is written out, not lost).
     *
     * @return false at the end of the body before a delimiter
     */
    private boolean skipTo(OutputStream out) throws IOException {
        int[] fail = failure(delimiter);
        int j = 0;
        int c;
        while ((c = in.read()) >= 0) {
            while (j > 0 && delimiter[j] != (byte) c) {
                int keep = fail[j - 1];
                out.write(delimiter, 0, j - keep);
                j = keep;
            }
            if (delimiter[j] == (byte) c) {
                if (++j == delimiter.length) {
                    return true;
                }
            } else {
                out.write(c);
            }
        }
        return false;
    }

    private static int[] failure(byte[] p) {
        int[] f = new int[p.length];
        for (int i = 1, k = 0; i < p.length; i++) {
            while (k > 0 && p[i] != p[k]) {
                k = f[k - 1];
            }
            if (p[i] == p[k]) {
                k++;
            }
            f[i] = k;
        }
        return f;
    }
}
