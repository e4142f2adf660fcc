package org.gse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gse index}: parent of the commands that build, search and describe a sticker index. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Build and search a persistent sticker index (a Lucene folder with an HNSW vector graph).",
                "Each add or remove is one commit; the folder records the model it was built with."},
        subcommands = {IndexAddCommand.class, IndexRemoveCommand.class, IndexSearchCommand.class,
                IndexInfoCommand.class, CommandLine.HelpCommand.class})
public final class IndexCommand implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "missing subcommand (add, remove, search or info); see 'gse index --help'");
    }
}
