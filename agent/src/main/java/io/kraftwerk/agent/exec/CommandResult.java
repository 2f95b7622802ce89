package io.kraftwerk.agent.exec;

import java.util.List;

/**
 * What a finished command left behind.
 *
 * @param argv     the command as run
 * @param exitCode its exit status
 * @param stdout   standard output, UTF-8
 * @param stderr   standard error, UTF-8
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** "apt-get exited with 100: E: Unable to locate package nginxx" — for failure messages. */
    public String describeFailure() {
        String output = (stderr.isBlank() ? stdout : stderr).strip();
        int cut = output.length() > 2000 ? output.length() - 2000 : 0;
        return argv.get(0) + " exited with " + exitCode + (output.isEmpty() ? "" : ": " + output.substring(cut));
    }
}
