package org.gse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.index.IndexBenchmark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gse bench index}: add throughput, search latency and HNSW recall of a sticker index on random vectors. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Benchmark the sticker index on seeded random unit vectors: add throughput, HNSW search"
                + " latency (p50, p99) and HNSW recall@k against an exact scan of the same index.",
                "The index is written to a temporary folder (or --folder) and deleted afterwards unless --keep."})
public final class BenchIndexCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(BenchIndexCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--vectors", paramLabel = "N", defaultValue = "100000",
            description = "Number of vectors to add (default: ${DEFAULT-VALUE}).")
    int vectors;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "512",
            description = "Vector dimension (default: ${DEFAULT-VALUE}).")
    int dimension;

    @Option(names = "-k", paramLabel = "K", defaultValue = "10",
            description = "Neighbours per search (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--candidates", paramLabel = "EF", split = ",", defaultValue = "100,400,1000",
            description = "HNSW candidate list sizes at query time (ef), comma-separated; each is timed and"
                    + " scored separately (default: ${DEFAULT-VALUE}).")
    List<Integer> candidates;

    @Option(names = "--queries", paramLabel = "Q", defaultValue = "200",
            description = "Timed queries (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--warmup", paramLabel = "Q", defaultValue = "50",
            description = "Untimed queries before timing (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "10000",
            description = "Vectors per add, each add one commit (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--ram-buffer-mb", paramLabel = "MB", defaultValue = "256",
            description = "Lucene indexing buffer in MiB; larger means fewer segments (default: ${DEFAULT-VALUE}).")
    double ramBufferMb;

    @Option(names = "--clusters", paramLabel = "C", defaultValue = "0",
            description = "0 for vectors uniform on the unit sphere; C > 0 for vectors drawn around C random"
                    + " centres, closer to real embeddings (default: ${DEFAULT-VALUE}).")
    int clusters;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "Random seed for vectors and queries (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--folder", paramLabel = "DIR",
            description = "Empty folder for the index (default: a new temporary folder).")
    Path folder;

    @Option(names = "--keep", description = "Keep the index folder after the run.")
    boolean keep;

    @Override
    public Integer call() throws IOException {
        Path target = folder != null ? folder : Files.createTempDirectory("gse-bench-index-");
        IndexBenchmark.Settings settings = new IndexBenchmark.Settings(vectors, dimension, k, candidates, queries,
                warmup, batch, ramBufferMb, clusters, seed);
        log.info("Benchmarking {} vectors of {} dimensions in {}", vectors, dimension, target);
        IndexBenchmark.Result result;
        try {
            result = IndexBenchmark.run(target, settings);
        } finally {
            if (!keep) {
                TempFolders.deleteRecursively(target);
            }
        }

        PrintWriter out = spec.commandLine().getOut();
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        out.println("| vectors | dim | adds/s | segments | ef | p50 ms | p99 ms | recall@" + k + " | exact p50 ms |");
        for (IndexBenchmark.SearchPoint point : result.searches()) {
            out.printf(Locale.ROOT, "| %,d | %d | %.0f | %d | %d | %.2f | %.2f | %.4f | %.1f |%n", vectors, dimension,
                    result.addsPerSecond(), result.segments(), point.candidates(), point.searchP50Ms(),
                    point.searchP99Ms(), point.recallAtK(), result.exactP50Ms());
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
