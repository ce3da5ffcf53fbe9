package dev.ace.report;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which keys each node of each pair has in a diff file, as sorted 64-bit key digests: one
 * streaming pass, 8 bytes per row, so a report of a million rows needs about 8 MB to tell a
 * changed row (listed on both sides) from a row only one node has.
 */
final class KeyIndex {

    private final Map<String, long[]> keys = new HashMap<>();

    private KeyIndex() {
    }

    static KeyIndex of(DiffFile file) {
        Map<String, long[]> growing = new HashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        file.forEachRow((pair, node, row) -> {
            String slot = pair + "\u0000" + node;
            long[] array = growing.computeIfAbsent(slot, s -> new long[64]);
            int size = sizes.getOrDefault(slot, 0);
            if (size == array.length) {
                array = Arrays.copyOf(array, size * 2);
                growing.put(slot, array);
            }
            array[size] = digest(row.key());
            sizes.put(slot, size + 1);
        });
        KeyIndex index = new KeyIndex();
        growing.forEach((slot, array) -> {
            long[] sorted = Arrays.copyOf(array, sizes.get(slot));
            Arrays.sort(sorted);
            index.keys.put(slot, sorted);
        });
        return index;
    }

    /** Whether {@code node}'s list of {@code pair} holds a row with this key. */
    boolean has(String pair, String node, DiffRow row) {
        long[] sorted = keys.get(pair + "\u0000" + node);
        return sorted != null && Arrays.binarySearch(sorted, digest(row.key())) >= 0;
    }

    /** The other node of a pair {@code a/b}. */
    static String other(String pair, String node) {
        String[] nodes = pair.split("/", 2);
        return nodes[0].equals(node) ? nodes[1] : nodes[0];
    }

    /** The first 8 bytes of SHA-256 over the key values (length-prefixed, NULL-safe). */
    static long digest(List<String> key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String value : key) {
                byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
                sha.update((byte) (value == null ? 0 : 1));
                sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                    (byte) (bytes.length >>> 8), (byte) bytes.length});
                sha.update(bytes);
            }
            byte[] hash = sha.digest();
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (hash[i] & 0xff);
            }
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
