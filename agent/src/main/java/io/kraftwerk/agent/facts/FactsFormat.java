package io.kraftwerk.agent.facts;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The forms custom facts come in: a JSON or YAML document, or KEY=VALUE lines. Files say which by
 * their extension; an executable's output is recognised by its look. A document that cannot be read
 * fails with the line (and column) where it went wrong.
 */
enum FactsFormat {
    JSON("JSON") {
        @Override
        Object parse(String text) throws FormatException {
            try {
                return JSON_MAPPER.readValue(text, Object.class);
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                throw new FormatException(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                        "not valid JSON: " + SourceException.shown(e.getOriginalMessage()));
            } catch (IOException e) {
                throw new FormatException(0, 0, "not valid JSON: " + SourceException.shown(String.valueOf(e.getMessage())));
            }
        }
    },
    YAML("YAML") {
        @Override
        Object parse(String text) throws FormatException {
            try {
                return new Yaml(new PlainYamlConstructor()).load(text);
            } catch (MarkedYAMLException e) {
                Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
                throw new FormatException(at == null ? 0 : at.getLine() + 1, at == null ? 0 : at.getColumn() + 1,
                        "not valid YAML: " + SourceException.shown(String.valueOf(problem)));
            } catch (YAMLException e) {
                throw new FormatException(0, 0, "not valid YAML: " + SourceException.shown(String.valueOf(e.getMessage())));
            }
        }
    },
    KEY_VALUE("KEY=VALUE lines") {
        @Override
        Object parse(String text) throws FormatException {
            Map<String, Object> facts = new LinkedHashMap<>();
            Map<String, Integer> firstLine = new LinkedHashMap<>();
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new FormatException(i + 1, 0, "expected KEY=VALUE, such as rack=r12, not '"
                            + SourceException.shown(line) + "'");
                }
                String key = line.substring(0, eq).strip();
                Integer earlier = firstLine.putIfAbsent(key, i + 1);
                if (earlier != null) {
                    throw new FormatException(i + 1, 0, "'" + SourceException.shown(key) + "' is given twice (first on line "
                            + earlier + ")");
                }
                facts.put(key, line.substring(eq + 1).strip());
            }
            return facts;
        }
    };

    /** Deep enough for any fact worth having, shallow enough that parsing never runs out of stack. */
    private static final int PARSER_NESTING_LIMIT = 64;
    private static final ObjectMapper JSON_MAPPER = jsonMapper();
    private static final Pattern KEY_VALUE_LINE = Pattern.compile("\\s*[^\\s:=#\"'{\\[]+\\s*=");

    private final String description;

    FactsFormat(String description) {
        this.description = description;
    }

    /** The document in {@code text}: maps, lists and scalars; null when it is empty. */
    abstract Object parse(String text) throws FormatException;

    /** "JSON", "YAML", "KEY=VALUE lines": for messages. */
    String description() {
        return description;
    }

    /** The format a data file's name says, or empty when it names none (then only an executable is of use). */
    static Optional<FactsFormat> ofFileName(String name) {
        if (name.endsWith(".json")) {
            return Optional.of(JSON);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return Optional.of(YAML);
        }
        return name.endsWith(".txt") ? Optional.of(KEY_VALUE) : Optional.empty();
    }

    /**
     * The format of an executable's output, by its look: JSON begins with a brace or bracket,
     * KEY=VALUE lines begin with a word and '=' (YAML's first key is followed by ':'), anything
     * else is read as YAML.
     */
    static FactsFormat ofOutput(String output) {
        String text = output.stripLeading();
        if (text.startsWith("{") || text.startsWith("[")) {
            return JSON;
        }
        String first = text.lines().filter(l -> !l.isBlank() && !l.strip().startsWith("#")).findFirst().orElse("");
        return KEY_VALUE_LINE.matcher(first).lookingAt() ? KEY_VALUE : YAML;
    }

    /** Bytes as text: UTF-8, as every format here is written. */
    static String text(byte[] content) {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The JSON reading of catalogs and reports (duplicate keys and trailing text refused), not nested deeper than facts go. */
    private static ObjectMapper jsonMapper() {
        ObjectMapper mapper = ModelJson.mapper().copy();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(PARSER_NESTING_LIMIT).build());
        return mapper;
    }

    /**
     * YAML without arbitrary types (SafeConstructor), duplicate keys refused, aliases and nesting
     * bounded. A date stays the text it was written as: {@code 2024-05-01}, not a point in time.
     */
    private static final class PlainYamlConstructor extends SafeConstructor {
        PlainYamlConstructor() {
            super(options());
            this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
        }

        private static LoaderOptions options() {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setAllowRecursiveKeys(false);
            options.setMaxAliasesForCollections(PARSER_NESTING_LIMIT);
            options.setNestingDepthLimit(PARSER_NESTING_LIMIT);
            return options;
        }
    }

    /** A document that cannot be read, and where: line and column count from 1, and 0 means the parser did not say. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        FormatException(int line, int column, String problem) {
            super(problem);
            this.line = line;
            this.column = column;
        }

        /** ":3:7: not valid YAML: …" after a file's name, ":3: …" without a column, ": …" without a line. */
        String located() {
            return (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + getMessage();
        }

        /** "its output, line 3, column 7: not valid YAML: …", for an executable's output. */
        String inOutput() {
            return "its output" + (line > 0 ? ", line " + line + (column > 0 ? ", column " + column : "") : "") + ": "
                    + getMessage();
        }
    }
}
