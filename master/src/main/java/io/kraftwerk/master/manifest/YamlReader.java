package io.kraftwerk.master.manifest;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Reads one YAML document into {@link YNode}s that remember their line and column. Rejects what
 * would silently lose information: repeated keys, non-string keys, several documents in one file,
 * custom tags, recursive aliases. Supports anchors, aliases and {@code <<} merge keys.
 */
public final class YamlReader {
    /** Manifests are written by people; anything larger is a mistake, not a manifest. */
    private static final int MAX_CODE_POINTS = 8 * 1024 * 1024;
    /**
     * Aliases are expanded into copies, so a few nested aliases can ask for billions of values
     * ("billion laughs"). SnakeYAML counts alias uses; this bounds the expanded result.
     */
    static final int MAX_EXPANDED_VALUES = 1_000_000;

    private YamlReader() {
    }

    /**
     * @param file  the path to show in locations
     * @param bytes the file content, UTF-8
     * @return the document, or null for an empty file
     */
    public static YNode read(String file, byte[] bytes) throws ManifestException {
        String text = decode(file, bytes);
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setMaxAliasesForCollections(100);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(options);
        List<Node> documents = new ArrayList<>();
        try {
            for (Node node : yaml.composeAll(new StringReader(text))) {
                documents.add(node);
            }
        } catch (MarkedYAMLException e) {
            throw new ManifestException(syntaxError(file, e));
        } catch (YAMLException e) {
            throw new ManifestException(new Diagnostic(Location.ofFile(file),
                    "YAML syntax error: " + e.getMessage(), null));
        }
        if (documents.size() > 1) {
            Mark mark = documents.get(1).getStartMark();
            throw new ManifestException(new Diagnostic(location(file, mark),
                    "a second YAML document starts here, but a manifest file holds exactly one",
                    "move it to a file of its own"));
        }
        if (documents.isEmpty()) {
            return null;
        }
        Diagnostics diagnostics = new Diagnostics();
        YNode result = new Converter(file, diagnostics).convert(documents.get(0));
        if (diagnostics.hasErrors()) {
            throw new ManifestException(diagnostics.sorted());
        }
        return result;
    }

    private static String decode(String file, byte[] bytes) throws ManifestException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ManifestException(new Diagnostic(Location.ofFile(file),
                    "not valid UTF-8 text", "save the file as UTF-8"));
        }
    }

    private static Diagnostic syntaxError(String file, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
        String context = e.getContext();
        String message = "YAML syntax error: " + problem + (context != null ? " (" + context + ")" : "");
        String hint;
        if (problem != null && problem.contains("\\t")) {
            hint = "indent with spaces; YAML does not allow tabs";
        } else if (context != null && (context.contains("flow sequence") || context.contains("flow mapping"))) {
            hint = "inside [...] and {...} quote values that contain brackets or braces, e.g. [\"package[nginx]\"]"
                    + " or {owner: \"${data.owner}\"}, or write them in block style, one per line";
        } else {
            hint = "check the indentation and quoting around this position";
        }
        return new Diagnostic(mark == null ? Location.ofFile(file) : location(file, mark), message, hint);
    }

    static Location location(String file, Mark mark) {
        return new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** Walks SnakeYAML's node graph; aliases arrive as shared nodes. */
    private static final class Converter {
        private static final Set<Tag> STANDARD_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
                Tag.MAP, Tag.SEQ, Tag.TIMESTAMP, Tag.MERGE);
        private final String file;
        private final Diagnostics diagnostics;
        private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
        private int expanded;
        private boolean overflow;

        Converter(String file, Diagnostics diagnostics) {
            this.file = file;
            this.diagnostics = diagnostics;
        }

        YNode convert(Node node) {
            Location where = location(file, node.getStartMark());
            if (++expanded > MAX_EXPANDED_VALUES) {
                if (!overflow) {
                    overflow = true;
                    diagnostics.error(where, "the document expands to more than " + MAX_EXPANDED_VALUES
                            + " values through aliases", "use fewer nested aliases");
                }
                return YScalar.string("", where);
            }
            if (!STANDARD_TAGS.contains(node.getTag())) {
                diagnostics.error(where, "unsupported YAML tag " + node.getTag().getValue(),
                        "remove the tag; Kraftwerk manifests use plain YAML values");
            }
            if (!inProgress.add(node)) {
                diagnostics.error(where, "this alias refers to a value that contains it", "recursive aliases cannot be expanded");
                return YScalar.string("", where);
            }
            try {
                if (node instanceof ScalarNode scalar) {
                    return scalar(scalar, where);
                }
                if (node instanceof SequenceNode seq) {
                    List<YNode> items = new ArrayList<>(seq.getValue().size());
                    seq.getValue().forEach(item -> items.add(convert(item)));
                    return new YList(items, where);
                }
                return mapping((MappingNode) node, where);
            } finally {
                inProgress.remove(node);
            }
        }

        private YScalar scalar(ScalarNode scalar, Location where) {
            boolean quoted = scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN;
            YScalar.Kind kind = YScalar.Kind.STRING;
            if (!quoted) {
                Tag tag = scalar.getTag();
                if (tag.equals(Tag.INT)) {
                    kind = YScalar.Kind.INT;
                } else if (tag.equals(Tag.FLOAT)) {
                    kind = YScalar.Kind.FLOAT;
                } else if (tag.equals(Tag.BOOL)) {
                    kind = YScalar.Kind.BOOL;
                } else if (tag.equals(Tag.NULL)) {
                    kind = YScalar.Kind.NULL;
                }
            }
            return new YScalar(scalar.getValue(), kind, quoted, where);
        }

        private YMap mapping(MappingNode node, Location where) {
            Map<String, YMap.Entry> merged = new LinkedHashMap<>();
            Map<String, YMap.Entry> explicit = new LinkedHashMap<>();
            for (NodeTuple tuple : node.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (keyNode.getTag().equals(Tag.MERGE)) {
                    merge(tuple.getValueNode(), merged);
                    continue;
                }
                Location keyWhere = location(file, keyNode.getStartMark());
                if (!(keyNode instanceof ScalarNode keyScalar)) {
                    diagnostics.error(keyWhere, "a map key must be a plain string, not " + describe(keyNode),
                            "write the key as text");
                    continue;
                }
                YScalar key = scalar(keyScalar, keyWhere);
                if (key.isNull()) {
                    diagnostics.error(keyWhere, "a map key cannot be empty (null)", "write the key as text");
                    continue;
                }
                YMap.Entry previous = explicit.get(key.text());
                if (previous != null) {
                    diagnostics.error(keyWhere, "duplicate key '" + key.text() + "', already set at "
                            + previous.key().location(), "keep one of the two");
                    continue;
                }
                explicit.put(key.text(), new YMap.Entry(key, convert(tuple.getValueNode())));
            }
            // Keys written in this map win over merged ones; among merges, the first source wins.
            Map<String, YMap.Entry> all = new LinkedHashMap<>(merged);
            all.putAll(explicit);
            return new YMap(new ArrayList<>(all.values()), where);
        }

        private void merge(Node source, Map<String, YMap.Entry> into) {
            if (source instanceof SequenceNode seq) {
                seq.getValue().forEach(item -> merge(item, into));
                return;
            }
            YNode value = convert(source);
            if (value instanceof YMap map) {
                map.entries().forEach(e -> into.putIfAbsent(e.name(), e));
            } else {
                diagnostics.error(value.location(), "'<<' merges maps, but this is " + value.describe(),
                        "merge a map or a list of maps");
            }
        }

        private static String describe(Node node) {
            return node instanceof SequenceNode ? "a list" : node instanceof MappingNode ? "a map" : "a scalar";
        }
    }
}
