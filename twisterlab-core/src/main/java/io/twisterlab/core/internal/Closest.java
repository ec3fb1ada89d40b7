package io.twisterlab.core.internal;

import java.util.Collection;
import java.util.Optional;

/**
 * The known name closest to a misspelt one (Levenshtein distance, ties broken alphabetically), for error messages
 * that say "did you mean ...".
 *
 * <pre>{@code
 * Closest.to("greting", List.of("greeting", "punctuation"));   // Optional[greeting]
 * }</pre>
 */
public final class Closest {
    private Closest() {
    }

    /** The candidate nearest to {@code name}, or empty if there are none. */
    public static Optional<String> to(String name, Collection<String> candidates) {
        return candidates.stream().min((a, b) -> {
            int d = Integer.compare(distance(name, a), distance(name, b));
            return d != 0 ? d : a.compareTo(b);
        });
    }

    /** Levenshtein distance. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
