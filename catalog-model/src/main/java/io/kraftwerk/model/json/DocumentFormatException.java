package io.kraftwerk.model.json;

import java.util.List;

/**
 * A catalog or report that cannot be accepted, with every problem found. Each problem reads
 * {@code SOURCE:LINE:COLUMN: path: what is wrong} when a position is known.
 */
public class DocumentFormatException extends Exception {
    private final List<String> problems;

    public DocumentFormatException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
