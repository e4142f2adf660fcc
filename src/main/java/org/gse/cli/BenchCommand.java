package org.gse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gse bench}: groups the benchmark subcommands. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure throughput; prints Markdown tables for docs/benchmarks.md.",
        subcommands = {BenchDecodeCommand.class, BenchEncodeCommand.class, BenchTrainCommand.class,
                BenchIndexCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark; see 'gse bench --help'");
    }
}
