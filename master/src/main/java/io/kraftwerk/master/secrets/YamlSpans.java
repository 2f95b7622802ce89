package io.kraftwerk.master.secrets;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where the nodes of a YAML text are in the text itself, so values can be replaced and the rest
 * kept byte for byte. SnakeYAML's composer gives the nodes and their marks; a mark counts code
 * points, turned here into string indexes. A node's start mark is where its properties (anchor,
 * tag) start, before its content; {@link #properties} finds the content after them.
 */
final class YamlSpans {
    /** Like the manifests' reader: people's files, not a stream of unbounded size. */
    private static final int MAX_CODE_POINTS = 8 * 1024 * 1024;
    /** What SnakeYAML quotes in a problem: a character of the text, or a token's name. */
    private static final Pattern QUOTED = Pattern.compile("'[^'\\s]+'");

    private final String text;
    private final boolean oneCharPerCodePoint;

    YamlSpans(String text) {
        this.text = text;
        this.oneCharPerCodePoint = text.chars().noneMatch(c -> Character.isSurrogate((char) c));
    }

    /**
     * One node of a composed text, with what a value placed there needs.
     *
     * @param inFlow      inside {@code [...]} or {@code {...}}, where a plain value may not hold {@code [ ] ,}
     * @param blockIndent the column for the lines of a block scalar, when the node is the value of a
     *                    block mapping's entry or a block sequence's item; -1 otherwise
     */
    /**
     * A node, whether it is in flow context, the column a block of it would indent to (-1: none),
     * and its path from the document ({@code 0.db.password}, {@code 0.hosts[1]}): where a value is,
     * whatever moved around it.
     */
    record Place(Node node, boolean inFlow, int blockIndent, String path) {
    }

    /** A node's anchor ({@code &name}, or null) and whether it has a tag, before its content. */
    record Properties(String anchor, boolean tagged, int contentStart) {
    }

    /** Every document of a text, or why it is not YAML, at its line and column. */
    List<Node> compose(String source) throws SecretsException {
        return compose(source, true);
    }

    /**
     * @param problem whether the error says what SnakeYAML found wrong: not for the edited copy,
     *                whose text holds plaintexts that its problem may quote in part (the editor shows the line)
     */
    List<Node> compose(String source, boolean problem) throws SecretsException {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        List<Node> documents = new ArrayList<>();
        try {
            new Yaml(options).composeAll(new StringReader(text)).forEach(documents::add);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? source : source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
            if (!problem) {
                throw new SecretsException(where + ": not valid YAML there (look at that line and column in your editor)");
            }
            throw new SecretsException(where + ": not valid YAML: " + redacted(e.getProblem() != null ? e.getProblem() : "")
                    + (e.getContext() != null ? " (" + redacted(e.getContext()) + ")" : ""));
        } catch (YAMLException e) {
            throw new SecretsException(source + ": not valid YAML" + (problem ? ": " + redacted(String.valueOf(e.getMessage())) : ""));
        }
        return documents;
    }

    /**
     * SnakeYAML's problem without the letters and digits it quotes, which may be part of a secret;
     * its punctuation ({@code ','}), tabs and token names ({@code '<scalar>'}) stay. Never its
     * message, which shows the line's text.
     */
    static String redacted(String problem) {
        return QUOTED.matcher(problem).replaceAll(m -> m.group().startsWith("'<") || m.group().equals("'\\t'")
                || !m.group().matches(".*[\\p{L}\\p{N}].*") ? Matcher.quoteReplacement(m.group()) : "a character")
                .replaceAll("\\S\\(\\d+\\)", "a character");
    }

    /** Every node once (an alias is its anchor's node), in the order of the text. */
    static List<Place> places(List<Node> documents) {
        List<Place> places = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < documents.size(); i++) {
            visit(documents.get(i), false, -1, String.valueOf(i), places, seen);
        }
        places.sort(Comparator.comparingInt(p -> p.node().getStartMark().getIndex()));
        return places;
    }

    private static void visit(Node node, boolean inFlow, int blockIndent, String path, List<Place> places, Set<Node> seen) {
        if (!seen.add(node)) {
            return;
        }
        places.add(new Place(node, inFlow, blockIndent, path));
        if (node instanceof MappingNode map) {
            boolean flow = inFlow || map.getFlowStyle() == FlowStyle.FLOW;
            for (NodeTuple entry : map.getValue()) {
                String key = entry.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                visit(entry.getKeyNode(), flow, -1, path + ".?" + key, places, seen);
                visit(entry.getValueNode(), flow, flow ? -1 : entry.getKeyNode().getStartMark().getColumn() + 2, path + "." + key,
                        places, seen);
            }
        } else if (node instanceof SequenceNode seq) {
            boolean flow = inFlow || seq.getFlowStyle() == FlowStyle.FLOW;
            // a block sequence starts at its first dash, and every item's dash is in that column
            for (int i = 0; i < seq.getValue().size(); i++) {
                visit(seq.getValue().get(i), flow, flow ? -1 : seq.getStartMark().getColumn() + 2, path + "[" + i + "]", places, seen);
            }
        }
    }

    int start(Node node) {
        return index(node.getStartMark());
    }

    int end(Node node) {
        return index(node.getEndMark());
    }

    private int index(Mark mark) {
        return oneCharPerCodePoint ? mark.getIndex() : text.offsetByCodePoints(0, mark.getIndex());
    }

    /**
     * The anchor and tag that a node's span starts with, in either order, each separated from what
     * follows by blanks, line breaks or a comment; the content starts after them (at the span's
     * end for a value left empty).
     */
    Properties properties(int start, int end) {
        String anchor = null;
        boolean tagged = false;
        int i = start;
        while (i < end && (text.charAt(i) == '&' || text.charAt(i) == '!')) {
            int token = i;
            while (token < end && " \t\r\n,[]{}".indexOf(text.charAt(token)) < 0) {
                token++;
            }
            if (text.charAt(i) == '&') {
                anchor = text.substring(i, token);
            } else {
                tagged = true;
            }
            i = separation(token, end);
        }
        return new Properties(anchor, tagged, i);
    }

    /** Past blanks, line breaks and comments, up to {@code end}. */
    private int separation(int from, int end) {
        int i = from;
        while (i < end) {
            char c = text.charAt(i);
            if (c == '#') {
                while (i < end && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /** The line (from 1) of a node, for messages. */
    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }
}
