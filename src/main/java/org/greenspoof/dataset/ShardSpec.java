package org.greenspoof.dataset;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard {@code index} of {@code count} of a partition, written {@code I/N}: the utterances whose id's
 * SHA-256, read as an unsigned big-endian number, is {@code I} modulo {@code N}. The split depends on
 * the ids alone, so it is the same on every machine and re-run, whatever order the files are listed in,
 * and every utterance falls in exactly one shard.
 */
public record ShardSpec(int index, int count) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})/(\\d{1,9})");

    public ShardSpec {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("a shard is I/N with 0 <= I < N, not " + index + "/" + count);
        }
    }

    /** Parses {@code I/N}, or says what was expected. */
    public static ShardSpec parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a shard I/N (e.g. 0/4, the first of 4), found '" + text + "'");
        }
        int i = Integer.parseInt(m.group(1)), n = Integer.parseInt(m.group(2));
        if (n < 1 || i >= n) {
            throw new IllegalArgumentException("shard " + text + ": expected 0 <= I < N (shards of N are 0/N to "
                    + (Math.max(n, 1) - 1) + "/" + Math.max(n, 1) + ")");
        }
        return new ShardSpec(i, n);
    }

    /** The shard an utterance id falls in, of {@code count}. */
    public static int of(String id, int count) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        return new BigInteger(1, digest).mod(BigInteger.valueOf(count)).intValue();
    }

    public boolean keeps(String id) {
        return of(id, count) == index;
    }

    /** The utterances of this shard, in their order in {@code all}. */
    public List<Utterance> select(List<Utterance> all) {
        return all.stream().filter(u -> keeps(u.id())).toList();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
