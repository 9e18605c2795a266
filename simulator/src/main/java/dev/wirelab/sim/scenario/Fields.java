package dev.wirelab.sim.scenario;

import dev.wirelab.sim.scenario.YamlTree.Entry;
import dev.wirelab.sim.scenario.YamlTree.ListNode;
import dev.wirelab.sim.scenario.YamlTree.MapNode;
import dev.wirelab.sim.scenario.YamlTree.Node;
import dev.wirelab.sim.scenario.YamlTree.Scalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML map of a scenario file read as a record with known keys: an unknown key is an error at
 * once (with a did-you-mean when one is close), and every value is converted with its location at
 * hand, so each complaint names file, line, column and field path.
 */
final class Fields {
    private final String file;
    private final MapNode map;
    private final List<String> allowed;

    /** Reads {@code node} as a map whose keys must be among {@code allowed}. */
    Fields(String file, Node node, String what, String... allowed) {
        this.file = file;
        this.allowed = List.of(allowed);
        if (!(node instanceof MapNode m)) {
            throw error(file, node, "expected " + what + " (a map with keys " + String.join(", ", allowed) + "), got " + node.describe());
        }
        this.map = m;
        for (Entry e : m.entries().values()) {
            if (!this.allowed.contains(e.key())) {
                String path = m.path().isEmpty() ? e.key() : m.path() + "." + e.key();
                String near = nearest(e.key(), this.allowed);
                throw new ScenarioError(file, e.keyLocation().line(), e.keyLocation().column(), path,
                        "unknown key" + (near == null ? "" : " (did you mean '" + near + "'?)") + "; " + what + " takes "
                                + String.join(", ", allowed));
            }
        }
    }

    MapNode node() {
        return map;
    }

    boolean has(String key) {
        Node n = get(key);
        return n != null;
    }

    /** The value at {@code key}, or null when the key is absent or its value is empty. */
    Node get(String key) {
        if (!allowed.contains(key)) {
            throw new IllegalStateException("the reader asked for '" + key + "', which it does not allow");
        }
        Entry e = map.entries().get(key);
        if (e == null || e.value() instanceof Scalar s && s.isNull()) {
            return null;
        }
        return e.value();
    }

    Node required(String key) {
        Node n = get(key);
        if (n == null) {
            String path = map.path().isEmpty() ? key : map.path() + "." + key;
            throw new ScenarioError(file, map.location().line(), map.location().column(), path, "missing (required)");
        }
        return n;
    }

    /** The scalar text at {@code key}, or {@code otherwise} when absent. */
    String text(String key, String otherwise) {
        Node n = get(key);
        return n == null ? otherwise : scalar(file, n);
    }

    String requiredText(String key) {
        return scalar(file, required(key));
    }

    /** Converts the value at {@code key} (absent: {@code otherwise}); conversion messages get the value's location. */
    <T> T value(String key, T otherwise, Function<String, T> convert) {
        Node n = get(key);
        return n == null ? otherwise : convert(file, n, convert);
    }

    <T> T requiredValue(String key, Function<String, T> convert) {
        return convert(file, required(key), convert);
    }

    /** Items of a list at {@code key}; a single scalar counts as a list of one. Absent: empty. */
    List<Node> list(String key) {
        Node n = get(key);
        if (n == null) {
            return List.of();
        }
        if (n instanceof ListNode l) {
            return l.items();
        }
        if (n instanceof Scalar) {
            return List.of(n);
        }
        throw error(file, n, "expected a list, got " + n.describe());
    }

    ScenarioError error(Node n, String problem) {
        return error(file, n, problem);
    }

    ScenarioError missing(String key, String problem) {
        String path = map.path().isEmpty() ? key : map.path() + "." + key;
        return new ScenarioError(file, map.location().line(), map.location().column(), path, problem);
    }

    static ScenarioError error(String file, Node n, String problem) {
        return new ScenarioError(file, n.location().line(), n.location().column(), n.path(), problem);
    }

    static String scalar(String file, Node n) {
        if (n instanceof Scalar s) {
            return s.text();
        }
        throw error(file, n, "expected a single value, got " + n.describe());
    }

    static <T> T convert(String file, Node n, Function<String, T> convert) {
        String text = scalar(file, n);
        try {
            return convert.apply(text);
        } catch (IllegalArgumentException e) {
            throw error(file, n, e.getMessage());
        }
    }

    /** The allowed word closest to {@code word} by edit distance, if it is close (typo), else null. */
    static String nearest(String word, java.util.Collection<String> words) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String w : words) {
            int d = distance(word.toLowerCase(java.util.Locale.ROOT), w.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = w;
            }
        }
        return bestDistance <= Math.max(1, word.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** One of {@code choices}, exactly. */
    static Function<String, String> oneOf(Set<String> choices) {
        return text -> {
            if (!choices.contains(text)) {
                String near = nearest(text, choices);
                throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", choices)
                        + (near == null ? "" : " (did you mean '" + near + "'?)"));
            }
            return text;
        };
    }

    static Function<String, Long> integer(long min, long max) {
        return text -> {
            long v;
            try {
                v = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number: '" + text + "'");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(v + " is out of range " + min + ".." + max);
            }
            return v;
        };
    }

    static Function<String, Boolean> bool() {
        return text -> switch (text.strip()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
        };
    }

    static List<String> texts(String file, List<Node> nodes) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(scalar(file, n));
        }
        return out;
    }
}
