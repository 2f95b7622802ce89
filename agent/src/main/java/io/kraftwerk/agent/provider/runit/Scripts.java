package io.kraftwerk.agent.provider.runit;

import java.util.List;

/**
 * Writes runit's run scripts. Every value is single-quoted for sh, so no argument can break out
 * into shell syntax; the script only sets up and then execs the program with its exact argv.
 */
public final class Scripts {
    private Scripts() {
    }

    /** {@code it's} → {@code 'it'\''s'}. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * A run script: cd into the working directory, then chpst loads the env directory and drops to
     * the user before exec'ing the command.
     *
     * @param prelude extra setup lines, run as root (e.g. the socket directory)
     */
    public static String run(String id, String serviceDir, String workingDir, String user, String group,
                             List<String> prelude, List<String> command) {
        StringBuilder s = new StringBuilder("#!/bin/sh\n# Managed by Kraftwerk: ").append(id)
                .append(". Local changes are reverted.\nexec 2>&1\n");
        prelude.forEach(line -> s.append(line).append('\n'));
        s.append("cd ").append(quote(workingDir == null ? serviceDir : workingDir)).append(" || exit 1\n");
        s.append("exec chpst -e ").append(quote(serviceDir + "/env"));
        if (user != null) {
            s.append(" -u ").append(quote(group == null ? user : user + ":" + group));
        }
        for (String arg : command) {
            s.append(' ').append(quote(arg));
        }
        return s.append('\n').toString();
    }

    public static String logRun(String id, String logDir) {
        return "#!/bin/sh\n# Managed by Kraftwerk: " + id + ". Local changes are reverted.\nexec svlogd -tt "
                + quote(logDir) + "\n";
    }
}
