package org.gse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gse bench}: parent of the benchmark subcommands. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its numbers.",
        subcommands = {BenchIndexCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing benchmark; see 'gse bench --help'");
    }
}
