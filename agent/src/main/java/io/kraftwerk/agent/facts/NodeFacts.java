package io.kraftwerk.agent.facts;

import io.kraftwerk.agent.exec.CommandRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The facts a node sends, as {@code kw-agent facts} prints them: the built-in ones
 * ({@link FactsCollector}) and, under {@code custom} alone, those of facts.d ({@link CustomFacts}),
 * so that no custom fact can stand in for a built-in one. {@code custom} is always there, empty
 * when facts.d gives nothing.
 *
 * @param values the facts document
 * @param errors what facts.d could not give, one line each; never a reason to stop
 */
public record NodeFacts(Map<String, Object> values, List<String> errors) {

    /**
     * The facts of the node whose file system is at {@code root} ({@code /}).
     *
     * @param runner runs the tools the built-in facts ask ({@code python3 --version}); facts.d's
     *               programs run under their own limits
     */
    public static NodeFacts of(Path root, CommandRunner runner) {
        return of(new FactsCollector(root, runner), new CustomFacts(root, CustomFacts.Limits.STANDARD));
    }

    static NodeFacts of(FactsCollector builtIn, CustomFacts custom) {
        Map<String, Object> values = builtIn.collect();
        CustomFacts.Result read = custom.read();
        if (values.put(CustomFacts.KEY, read.facts()) != null) {
            throw new IllegalStateException("a built-in fact is named '" + CustomFacts.KEY + "' (this is a Kraftwerk bug, please"
                    + " report it)");
        }
        return new NodeFacts(values, read.errors());
    }
}
