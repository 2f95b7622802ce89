package io.kraftwerk.master.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A kw-master command run in-process, with what it printed on each stream, fresh for each run. */
abstract class CliTest {
    protected StringWriter out = new StringWriter();
    protected StringWriter err = new StringWriter();

    protected int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = KwMaster.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }
}
