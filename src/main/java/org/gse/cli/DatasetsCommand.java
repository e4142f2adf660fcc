package org.gse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gse datasets}: groups the commands that build and describe training and evaluation data. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "Build training and evaluation data sets.",
        subcommands = {DatasetsCommand.Build.class})
public final class DatasetsCommand implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command; see 'gse datasets --help'");
    }

    /** {@code gse datasets build}: one subcommand per data set. */
    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build a data set from public package registries into a local folder.",
            subcommands = {EmojiDatasetCommand.class})
    public static final class Build implements Runnable {

        @Override
        public void run() {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "missing data set name; see 'gse datasets build --help'");
        }
    }
}
