package org.gse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gse bench}: performance measurements; see its subcommands. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure performance (see the subcommands).",
        subcommands = {BenchEncodeCommand.class, BenchTrainCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand; see 'gse bench --help'");
    }
}
