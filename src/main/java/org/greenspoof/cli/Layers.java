package org.greenspoof.cli;

import java.util.TreeSet;

/** Parses layer lists: "6", "0-12", "0,3,6-8". */
public final class Layers {
    private Layers() {
    }

    public static int[] parse(String spec, int maxLayer) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-', 1);
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
                if (from < 0 || to < from) {
                    throw new NumberFormatException();
                }
                for (int l = from; l <= to; l++) {
                    out.add(l);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--layers: expected layers like 6, 0-12 or 0,3,6-8, found '" + spec + "'");
            }
        }
        if (out.last() > maxLayer) {
            throw new IllegalArgumentException("--layers " + spec + ": the model has layers 0-" + maxLayer
                    + " (0 = the CNN features after projection, k = transformer layer k)");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
