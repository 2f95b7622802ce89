package io.kraftwerk.master.secrets;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The file made again from an edited copy: every scalar tagged {@code !secret} becomes an
 * envelope, and the rest of the edited text stays byte for byte. A tagged value that still holds
 * an original plaintext gets that original envelope back, as it was, so a diff shows only values
 * that really changed; any other is encrypted anew. The result is read back and must
 * be the edited copy's document with envelopes for the tagged values, or nothing is returned.
 */
final class EditedCopy {
    private final String source;
    private final String edited;
    private final List<EditableCopy.Secret> originals;
    private final Set<String> clearValues;
    private final YamlSpans spans;

    EditedCopy(String source, String edited, List<EditableCopy.Secret> originals, Set<String> clearValues) {
        this.source = source;
        this.edited = edited;
        this.originals = originals;
        this.clearValues = clearValues;
        this.spans = new YamlSpans(edited);
    }

    private record Replacement(int start, int end, String text) {
    }

    EditableCopy.Sealed seal(SecretsKey to, SecureRandom random) throws SecretsException {
        List<Node> documents = spans.compose(source, false);
        List<YamlSpans.Place> tagged = tagged(documents);
        EditableCopy.Secret[] kept = kept(tagged);
        Set<EditableCopy.Secret> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
        Arrays.stream(kept).filter(Objects::nonNull).forEach(claimed::add);
        Map<Node, String> envelopes = new IdentityHashMap<>();
        List<Replacement> replacements = new ArrayList<>();
        for (int i = 0; i < tagged.size(); i++) {
            ScalarNode scalar = (ScalarNode) tagged.get(i).node();
            // the value this one was (a changed value: the one at its place that no other value kept), whose quotes it keeps
            EditableCopy.Secret original = kept[i] != null ? kept[i]
                    : i < originals.size() && !claimed.contains(originals.get(i)) ? originals.get(i) : null;
            String envelope;
            if (kept[i] != null) {
                envelope = kept[i].envelope();
            } else if (scalar.getValue().isEmpty()) {
                throw new SecretsException(source + ":" + YamlSpans.line(scalar) + ": a " + SecretScalar.TAG
                        + " value is empty: give it a value, or remove it");
            } else {
                // the environments are the tag's, as the copy showed them: never guessed from where the value stands
                envelope = encrypt(scalar, to, random);
            }
            envelopes.put(scalar, envelope);
            // a plain envelope is fine in block context, but in flow context its [ , ] would end it
            String quote = original != null && !original.quote().isEmpty() ? original.quote() : tagged.get(i).inFlow() ? "\"" : "";
            replacements.add(replacement(scalar, quote + envelope + quote));
        }
        String sealed = replaced(replacements);
        checkReadsBack(documents, sealed, envelopes);
        int unchanged = (int) Arrays.stream(kept).filter(Objects::nonNull).count();
        return new EditableCopy.Sealed(EditableCopy.withoutHeader(sealed), unchanged, tagged.size() - unchanged);
    }

    /**
     * The scalars tagged {@code !secret}, in the order of the text.
     *
     * @throws SecretsException for a tag on a map or list, or a secret's plaintext left untagged, which would be written in clear
     */
    private List<YamlSpans.Place> tagged(List<Node> documents) throws SecretsException {
        Set<String> plaintexts = originals.stream().map(EditableCopy.Secret::plaintext).filter(p -> !p.isEmpty())
                .collect(Collectors.toSet());
        Set<String> secretPaths = originals.stream().map(EditableCopy.Secret::path).collect(Collectors.toSet());
        List<YamlSpans.Place> tagged = new ArrayList<>();
        for (YamlSpans.Place place : YamlSpans.places(documents)) {
            Node node = place.node();
            String where = source + ":" + YamlSpans.line(node);
            boolean secret = EditableCopy.isSecret(node);
            if (!(node instanceof ScalarNode scalar)) {
                if (secret) {
                    throw new SecretsException(where + ": " + SecretScalar.TAG + " tags a " + (node instanceof MappingNode ? "map"
                            : "list") + ", but encrypts single values: tag each value inside it instead");
                }
            } else if (secret) {
                tagged.add(place);
            } else if (plaintexts.contains(scalar.getValue()) && !clearValues.contains(scalar.getValue())
                    || secretPaths.contains(place.path()) && !scalar.getValue().isEmpty() && !Envelope.PATTERN.matcher(scalar.getValue()).matches()) {
                // a secret's value, or any new value where a secret was: without the tag it would be written in clear
                throw new SecretsException(where + ": this value was encrypted, and without " + SecretScalar.TAG
                        + " it would be written in clear: tag it " + SecretScalar.TAG + " again (or remove the key)");
            }
        }
        return tagged;
    }

    /**
     * The original whose envelope each tagged value keeps, or null where it is encrypted anew: the
     * original at its own position when that still holds its plaintext, else the first original
     * left over that holds it — so a value tagged above the others does not make them all new.
     */
    private EditableCopy.Secret[] kept(List<YamlSpans.Place> tagged) {
        EditableCopy.Secret[] kept = new EditableCopy.Secret[tagged.size()];
        boolean[] used = new boolean[originals.size()];
        for (int i = 0; i < tagged.size() && i < originals.size(); i++) {
            if (same(originals.get(i), tagged.get(i).node())) {
                kept[i] = originals.get(i);
                used[i] = true;
            }
        }
        for (int i = 0; i < tagged.size(); i++) {
            for (int o = 0; kept[i] == null && o < originals.size(); o++) {
                if (!used[o] && same(originals.get(o), tagged.get(i).node())) {
                    kept[i] = originals.get(o);
                    used[o] = true;
                }
            }
        }
        return kept;
    }

    /** Whether a tagged value is an original as it was: its plaintext and its environments. */
    private static boolean same(EditableCopy.Secret original, Node tagged) {
        return original.plaintext().equals(((ScalarNode) tagged).getValue())
                && original.environments().equals(EditableCopy.environments(tagged));
    }

    private String encrypt(ScalarNode scalar, SecretsKey to, SecureRandom random) throws SecretsException {
        try {
            return Envelope.encrypt(scalar.getValue(), to, EditableCopy.environments(scalar), random);
        } catch (IllegalArgumentException e) {
            throw new SecretsException(source + ":" + YamlSpans.line(scalar) + ": " + SecretScalar.TAG + ":ENV+ENV names environments"
                    + " joined by '+', and one of these is not an environment name (letters, digits, _ . -)");
        }
    }

    /**
     * From the node's first property (its start mark) to the end of its own text, an anchor kept.
     * A block scalar's end mark lies past the line breaks (and blank lines) after it: those stay,
     * unless the block keeps them ({@code |+}), then they are its value and one line break stays.
     */
    private Replacement replacement(ScalarNode scalar, String envelope) {
        int start = spans.start(scalar);
        int end = spans.end(scalar);
        YamlSpans.Properties properties = spans.properties(start, end);
        String anchor = properties.anchor() == null ? "" : properties.anchor() + " ";
        if (scalar.getScalarStyle() != ScalarStyle.LITERAL && scalar.getScalarStyle() != ScalarStyle.FOLDED) {
            return new Replacement(start, end, anchor + envelope);
        }
        int headerEnd = properties.contentStart();
        while (headerEnd < end && edited.charAt(headerEnd) != '\n') {
            headerEnd++;
        }
        boolean keep = edited.substring(properties.contentStart(), headerEnd).matches("[|>][1-9]?\\+.*|[|>]\\+[1-9]?.*");
        int lineStart = edited.lastIndexOf('\n', end - 1) + 1;
        if (keep && lineStart > headerEnd && edited.substring(lineStart, end).isBlank()) {
            return new Replacement(start, lineStart, anchor + envelope + "\n");
        }
        int last = end;
        while (last > headerEnd && " \t\r\n".indexOf(edited.charAt(last - 1)) >= 0) {
            last--;
        }
        return new Replacement(start, last, anchor + envelope);
    }

    private String replaced(List<Replacement> replacements) {
        StringBuilder out = new StringBuilder(edited.length());
        int at = 0;
        for (Replacement r : replacements) {
            out.append(edited, at, r.start()).append(r.text());
            at = r.end();
        }
        return out.append(edited, at, edited.length()).toString();
    }

    /** The sealed text must read as the edited document, envelopes where values were tagged. */
    private void checkReadsBack(List<Node> editedDocuments, String sealed, Map<Node, String> envelopes) {
        List<Node> sealedDocuments;
        try {
            sealedDocuments = new YamlSpans(sealed).compose(source);
        } catch (SecretsException e) {
            sealedDocuments = List.of();
        }
        boolean same = sealedDocuments.size() == editedDocuments.size();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; same && i < editedDocuments.size(); i++) {
            same = same(editedDocuments.get(i), sealedDocuments.get(i), envelopes, seen);
        }
        if (!same) {
            throw new IllegalStateException(source + ": the file made from the edited copy does not read back as the copy"
                    + " (this is a Kraftwerk bug, please report it); the file is not changed");
        }
    }

    private static boolean same(Node edited, Node sealed, Map<Node, String> envelopes, Set<Node> seen) {
        if (!seen.add(edited)) {
            return true;
        }
        String envelope = envelopes.get(edited);
        if (envelope != null) {
            return sealed instanceof ScalarNode s && s.getValue().equals(envelope);
        }
        if (edited.getClass() != sealed.getClass() || !edited.getTag().equals(sealed.getTag())) {
            return false;
        }
        if (edited instanceof ScalarNode e) {
            return e.getValue().equals(((ScalarNode) sealed).getValue());
        }
        if (edited instanceof SequenceNode e) {
            List<Node> items = ((SequenceNode) sealed).getValue();
            boolean same = e.getValue().size() == items.size();
            for (int i = 0; same && i < items.size(); i++) {
                same = same(e.getValue().get(i), items.get(i), envelopes, seen);
            }
            return same;
        }
        MappingNode map = (MappingNode) edited;
        MappingNode other = (MappingNode) sealed;
        boolean same = map.getValue().size() == other.getValue().size();
        for (int i = 0; same && i < map.getValue().size(); i++) {
            same = same(map.getValue().get(i).getKeyNode(), other.getValue().get(i).getKeyNode(), envelopes, seen)
                    && same(map.getValue().get(i).getValueNode(), other.getValue().get(i).getValueNode(), envelopes, seen);
        }
        return same;
    }
}
