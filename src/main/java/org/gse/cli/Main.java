package org.gse.cli;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code gse} command: one picocli subcommand class per task. Results go to standard output, logs and
 * progress to standard error.
 */
@Command(
        name = "gse",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Understands chat stickers by meaning: decode, embed, compare, evaluate, train, index and serve.",
        subcommands = {InspectCommand.class, EmbedCommand.class, ExportOnnxCommand.class, SimilarityCommand.class,
                EvalCommand.class, TrainCommand.class, ModelCommand.class, IndexCommand.class, DedupeCommand.class,
                EvalRetrievalCommand.class, EvalEmotionCommand.class, DatasetsCommand.class, BenchCommand.class,
                ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit status: success. */
    public static final int EXIT_OK = 0;
    /** Exit status: the command ran, but some inputs failed (with --strict) or none could be used. */
    public static final int EXIT_FAILED_INPUTS = 1;
    /** Exit status: invalid arguments or options. */
    public static final int EXIT_USAGE = 2;
    /** Exit status: an unexpected error. */
    public static final int EXIT_ERROR = 3;

    @Option(names = {"-v", "--verbose"}, description = "Log debug messages to standard error.", scope = CommandLine.ScopeType.INHERIT)
    void setVerbose(boolean verbose) {
        if (verbose) {
            setRootLevel(Level.DEBUG);
        }
    }

    @Option(names = {"-q", "--quiet"}, description = "Log only errors, and hide progress bars.", scope = CommandLine.ScopeType.INHERIT)
    void setQuiet(boolean quiet) {
        if (quiet) {
            setRootLevel(Level.ERROR);
            Progress.setEnabled(false);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command; see 'gse --help'");
    }

    /**
     * Lucene's vectorization provider warns through java.util.logging on every run without
     * {@code --add-modules jdk.incubator.vector}; the flag makes the JDK print its own incubator warning instead, so
     * neither is on by default. Set {@code GSE_JAVA_OPTS="--add-modules jdk.incubator.vector"} for faster vector search.
     * The field keeps the logger reachable, because java.util.logging holds loggers weakly.
     */
    private static final java.util.logging.Logger LUCENE_VECTORIZATION_LOG =
            java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

    public static void main(String[] args) {
        LUCENE_VECTORIZATION_LOG.setLevel(java.util.logging.Level.SEVERE);
        System.exit(newCommandLine(
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)).execute(args));
    }

    /** Builds the command line with the given writers, so tests can capture output. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        return newCommandLine(out, err, CommandLine.defaultFactory());
    }

    /** Builds the command line with the given writers and a factory for the command objects (tests inject one). */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        CommandLine commandLine = new CommandLine(new Main(), factory);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(exception -> exception instanceof CommandLine.ParameterException
                ? EXIT_USAGE : EXIT_ERROR);
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    private static void setRootLevel(Level level) {
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(level);
        }
    }

    /** Reads the version from the jar manifest, or reports a development build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"gse " + (version == null ? "(development build)" : version)
                    + ", Java " + Runtime.version()};
        }
    }
}
