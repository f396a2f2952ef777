package org.greenspoof.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Splits one RFC 4180 CSV line (quoted fields may hold commas and doubled quotes; no embedded newlines). */
final class Csv {
    private Csv() {
    }

    static String[] split(String line, Path file, int lineNo) throws DatasetException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' && cur.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw DatasetException.atLine(file, lineNo, "unterminated quoted field");
        }
        out.add(cur.toString());
        return out.toArray(new String[0]);
    }
}
