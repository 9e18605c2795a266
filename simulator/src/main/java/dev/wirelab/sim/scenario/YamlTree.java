package dev.wirelab.sim.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as maps, lists and scalars that remember where they were written (line and
 * column from Jackson's streaming parser) and where they sit in the document ("hosts[1].links.up"),
 * so every later complaint can name the file, line, column and field. Jackson's own trees forget
 * locations; binding straight to records would give its messages instead of ours.
 */
final class YamlTree {
    private YamlTree() {}

    /** Bound on nesting, so a hostile file cannot exhaust the stack. */
    static final int DEPTH_MAX = 64;
    /** Bound on nodes in one document. */
    static final int NODES_MAX = 1_000_000;

    record Location(int line, int column) {
        static Location of(JsonLocation l) {
            return new Location(l.getLineNr(), l.getColumnNr());
        }
    }

    sealed interface Node {
        Location location();

        /** Where in the document: "" for the root, then "hosts[1].links.up". */
        String path();

        /** What kind of value this is, for messages: "a map", "a list", "a string". */
        String describe();
    }

    /** A key and its value, with the key's own location (for unknown-key messages). */
    record Entry(String key, Location keyLocation, Node value) {}

    record MapNode(Location location, String path, Map<String, Entry> entries) implements Node {
        @Override
        public String describe() {
            return "a map";
        }
    }

    record ListNode(Location location, String path, List<Node> items) implements Node {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar exactly as written ({@code text}), and whether YAML read it as null, a number or a boolean. */
    record Scalar(Location location, String path, String text, JsonToken token) implements Node {
        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        @Override
        public String describe() {
            return isNull() ? "empty" : "'" + text + "'";
        }
    }

    /** Parses {@code text}; syntax errors become a {@link ScenarioError} naming {@code file}, line and column. */
    static Node parse(String file, String text) {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ScenarioError(file, 1, 1, "", "the file is empty: a scenario is a YAML map (name, duration, hosts, ...)");
            }
            Node root = read(file, p, "", 0, new int[1]);
            if (p.nextToken() != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new ScenarioError(file, l.getLineNr(), l.getColumnNr(), "", "only one YAML document per scenario file");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String message = e.getOriginalMessage();
            int newline = message.indexOf('\n');
            if (newline >= 0) {
                message = message.substring(0, newline);
            }
            throw new ScenarioError(file, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(), "",
                    "not valid YAML: " + message);
        } catch (IOException e) {
            throw new ScenarioError(file, 0, 0, "", "cannot read: " + e.getMessage());
        }
    }

    private static Node read(String file, JsonParser p, String path, int depth, int[] nodes) throws IOException {
        Location at = Location.of(p.currentTokenLocation());
        if (depth > DEPTH_MAX || ++nodes[0] > NODES_MAX) {
            throw new ScenarioError(file, at.line(), at.column(), path,
                    "the document is too large (at most " + DEPTH_MAX + " levels and " + NODES_MAX + " values)");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Location keyAt = Location.of(p.currentTokenLocation());
                    String child = path.isEmpty() ? key : path + "." + key;
                    if (entries.containsKey(key)) {
                        throw new ScenarioError(file, keyAt.line(), keyAt.column(), child,
                                "written twice (first at line " + entries.get(key).keyLocation().line() + ")");
                    }
                    p.nextToken();
                    entries.put(key, new Entry(key, keyAt, read(file, p, child, depth + 1, nodes)));
                }
                return new MapNode(at, path, Collections.unmodifiableMap(entries));
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(file, p, path + "[" + items.size() + "]", depth + 1, nodes));
                }
                return new ListNode(at, path, List.copyOf(items));
            }
            default -> {
                return new Scalar(at, path, t == JsonToken.VALUE_NULL ? "" : p.getText(), t);
            }
        }
    }
}
