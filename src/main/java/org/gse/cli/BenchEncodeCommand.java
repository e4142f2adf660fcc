package org.gse.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.gse.decode.FramePolicy;
import org.gse.djl.DjlClipModel;
import org.gse.engine.Models;
import org.gse.io.AtomicFiles;
import org.gse.model.ClipConfig;
import org.gse.model.ClipEncoderBase;
import org.gse.model.ClipVisionConfig;
import org.gse.model.ClipWeights;
import org.gse.model.Embedding;
import org.gse.model.Npy;
import org.gse.onnx.ClipOnnxExporter;
import org.gse.onnx.ClipOnnxExporter.Precision;
import org.gse.onnx.OnnxClipEncoder;
import org.gse.onnx.OnnxGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gse bench encode}: images per second of the vision tower on each engine, side by side with the plain
 * PyTorch reference ({@code tools/clip_reference.py --bench}) on the same weights, plus the machine's measured
 * float32 matrix-multiplication peak.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Time the CLIP vision tower: DJL (PyTorch), ONNX Runtime fp32 (default settings and basic"
                + " graph optimisation), ONNX Runtime int8, and the PyTorch reference script, on the same weights.",
                "Also measures a large float32 MatMul in ONNX Runtime (the machine's practical peak) and reports"
                        + " each engine's fraction of it, and int8's embedding agreement with fp32.",
                "Make the model with: /usr/bin/python3 tools/clip_reference.py --shape vit-b-32 --out"
                        + " target/clip-vit-b-32"})
public final class BenchEncodeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(BenchEncodeCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", defaultValue = "target/clip-vit-b-32",
            description = "Model folder (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--batches", split = ",", paramLabel = "N", defaultValue = "1,32",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "Threads per engine (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "4",
            description = "Minimum timed seconds per window (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--engines", split = ",", paramLabel = "E",
            defaultValue = "djl,ort-fp32,ort-fp32-basic,ort-fp32-spin,ort-int8",
            description = {"Engines (default: ${DEFAULT-VALUE}): djl; ort-fp32 (the default session settings:"
                    + " every graph optimisation, no spinning); ort-fp32-basic (basic optimisation only);"
                    + " ort-fp32-spin (with spinning worker threads); ort-int8 (dynamic int8 quantisation)."})
    List<String> engines;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Interleaved rounds; each engine's best and median window are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--python", paramLabel = "EXE", defaultValue = "/usr/bin/python3",
            description = "Interpreter with torch for tools/clip_reference.py --bench; 'none' skips it.")
    String python;

    @Option(names = "--int8-min-cosine", paramLabel = "C", defaultValue = "0.99",
            description = "int8 is acceptable when every embedding's cosine to fp32 is at least this (default: ${DEFAULT-VALUE}).")
    double int8MinCosine;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path jsonOut;

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache root for the ONNX exports.")
    Path cacheDir;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode report = json.createObjectNode();
        report.put("date", Instant.now().toString());
        report.put("cpu", cpuModel());
        report.put("processors", Runtime.getRuntime().availableProcessors());
        report.put("load_average_start", loadAverage());
        report.put("threads", threads);
        report.put("model", model.toString());
        out.printf(Locale.ROOT, "machine: %s, %d processors, load average %.2f; %d threads per engine%n",
                cpuModel(), Runtime.getRuntime().availableProcessors(), loadAverage(), threads);

        ClipWeights weights = Models.loadWeights(model);
        ClipConfig config = weights.config();
        double flops = visionFlops(config.visionConfig(), config.projectionDim());
        report.put("vision_gflop_per_image", flops / 1e9);
        String id = Models.modelId(model);
        Path cache = cacheDir != null ? cacheDir : Models.defaultCacheDir();

        double peak = sgemmPeak(threads);
        out.printf(Locale.ROOT, "fp32 MatMul (ONNX Runtime, 2048^3, %d threads): %.1f GFLOP/s in the first window;"
                + " vision tower %.2f GFLOP/image%n", threads, peak, flops / 1e9);

        int size = config.visionConfig().imageSize();
        int plane = 3 * size * size;
        int maxBatch = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
        float[] pixels = randomPixels(maxBatch * plane, 7);

        // 1. Open every engine, warm it up and check its numbers (agreement with the reference and with fp32).
        // 2. Time them in interleaved rounds (each engine and batch one window per round, then the PyTorch
        //    reference), so that load from other processes falls on all of them alike.
        // 3. Report the best and the median window of each: on a shared machine the best window is the closest
        //    to the unloaded speed.
        ArrayNode rows = report.putArray("engines");
        Map<String, Runner> runners = new java.util.LinkedHashMap<>();
        Map<String, ObjectNode> rowOf = new java.util.LinkedHashMap<>();
        float[][] fp32Reference = null;
        try {
            for (String engine : engines) {
                ObjectNode row = rows.addObject();
                row.put("engine", engine);
                try {
                    Runner runner = runner(engine, weights, id, cache);
                    runners.put(engine, runner);
                    rowOf.put(engine, row);
                    runner.features(java.util.Arrays.copyOf(pixels, plane), 1);
                    float[][] features = runner.features(pixels, maxBatch);
                    if (engine.equals("ort-fp32")) {
                        fp32Reference = features;
                    } else if (engine.equals("ort-int8") && fp32Reference != null) {
                        double min = minCosine(fp32Reference, features);
                        row.put("min_cosine_to_fp32", min);
                        row.put("within_tolerance", min >= int8MinCosine);
                        out.printf(Locale.ROOT, "ort-int8 agreement with fp32 on %d random images: min cosine %.5f"
                                + " (tolerance %.3f: %s)%n", maxBatch, min, int8MinCosine,
                                min >= int8MinCosine ? "kept" : "REJECTED");
                    }
                    compareWithReference(engine, runner, row, out);
                } catch (Exception | UnsatisfiedLinkError e) {
                    log.error("Engine {} failed: {}", engine, e.toString());
                    row.put("error", e.toString());
                }
            }

            Map<String, List<Double>> windows = new java.util.LinkedHashMap<>();
            List<ObjectNode> pythonRuns = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, Runner> entry : runners.entrySet()) {
                    for (int batch : batches) {
                        float[] input = java.util.Arrays.copyOf(pixels, batch * plane);
                        double perSecond = window(entry.getValue(), input, batch);
                        windows.computeIfAbsent(entry.getKey() + "@" + batch, k -> new ArrayList<>()).add(perSecond);
                    }
                }
                ObjectNode python = pythonReference();
                pythonRuns.add(python);
                if (python.has("image")) {
                    for (int batch : batches) {
                        JsonNode r = python.path("image").path(Integer.toString(batch));
                        if (!r.isMissingNode()) {
                            windows.computeIfAbsent("pytorch-ref@" + batch, k -> new ArrayList<>())
                                    .add(r.path("images_per_second").asDouble());
                        }
                    }
                }
                peak = Math.max(peak, sgemmPeak(threads));
                out.printf(Locale.ROOT, "round %d of %d done, load average %.2f%n", round, rounds, loadAverage());
                out.flush();
            }
            report.set("pytorch_reference_runs", json.valueToTree(pythonRuns));
            report.put("ort_sgemm_gflops_best", peak);
            out.printf(Locale.ROOT, "fp32 MatMul peak, best window of all rounds: %.1f GFLOP/s%n", peak);

            out.printf(Locale.ROOT, "%n%-16s %5s %12s %12s %10s %10s%n", "engine", "batch", "best img/s",
                    "median", "% peak", "x pytorch");
            for (int batch : batches) {
                List<Double> reference = windows.get("pytorch-ref@" + batch);
                double pytorch = reference == null ? Double.NaN : best(reference);
                List<String> names = new ArrayList<>(runners.keySet());
                names.add("pytorch-ref");
                for (String engine : names) {
                    List<Double> values = windows.get(engine + "@" + batch);
                    if (values == null) {
                        continue;
                    }
                    double bestRate = best(values);
                    ObjectNode b = json.createObjectNode();
                    b.put("images_per_second_best", round(bestRate));
                    b.put("images_per_second_median", round(median(values)));
                    b.set("windows", json.valueToTree(values));
                    b.put("fraction_of_peak", round(bestRate * flops / 1e9 / peak));
                    if (!Double.isNaN(pytorch)) {
                        b.put("ratio_to_pytorch", round(bestRate / pytorch));
                    }
                    if (engine.equals("pytorch-ref")) {
                        report.set("pytorch_batch_" + batch, b);
                    } else {
                        rowOf.get(engine).set("batch_" + batch, b);
                    }
                    out.printf(Locale.ROOT, "%-16s %5d %12.2f %12.2f %9.0f%% %10.2f%n", engine, batch, bestRate,
                            median(values), 100 * bestRate * flops / 1e9 / peak, bestRate / pytorch);
                }
            }
        } finally {
            runners.values().forEach(Runner::close);
        }
        report.put("load_average_end", loadAverage());
        out.printf(Locale.ROOT, "load average at the end: %.2f%n", loadAverage());
        out.flush();
        if (jsonOut != null) {
            AtomicFiles.write(jsonOut, json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report)
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Main.EXIT_OK;
    }

    /** Returns images per second over one window of at least {@code --seconds}. */
    private double window(Runner runner, float[] input, int batch) {
        int runs = 0;
        long start = System.nanoTime();
        long minimum = (long) (seconds * 1e9);
        while (runs < 2 || System.nanoTime() - start < minimum) {
            runner.features(input, batch);
            runs++;
        }
        return runs * batch / ((System.nanoTime() - start) / 1e9);
    }

    private void compareWithReference(String engine, Runner runner, ObjectNode row, PrintWriter out)
            throws IOException {
        Path expected = model.resolve("expected");
        if (!Files.isRegularFile(expected.resolve("pixel_values.npy"))) {
            return;
        }
        Npy.Array px = Npy.read(expected.resolve("pixel_values.npy"));
        float[] want = Npy.read(expected.resolve("image_features.npy")).floats();
        float[][] got = runner.features(px.floats(), (int) px.shape()[0]);
        double diff = 0;
        double cosine = 1;
        int width = got[0].length;
        for (int i = 0; i < got.length; i++) {
            float[] reference = java.util.Arrays.copyOfRange(want, i * width, (i + 1) * width);
            for (int j = 0; j < width; j++) {
                diff = Math.max(diff, Math.abs(got[i][j] - reference[j]));
            }
            cosine = Math.min(cosine, Embedding.normalise(got[i]).cosine(Embedding.normalise(reference)));
        }
        row.put("max_abs_diff_to_reference", diff);
        row.put("min_cosine_to_reference", cosine);
        out.printf(Locale.ROOT, "%-16s vs PyTorch reference features: max |diff| %.2e, min cosine %.6f%n",
                engine, diff, cosine);
    }

    private static double best(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        if (n % 2 == 1) {
            return sorted[n / 2];
        }
        return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Something that computes unnormalised image features. */
    private interface Runner extends AutoCloseable {
        float[][] features(float[] pixels, int count);

        @Override
        void close();
    }

    private Runner runner(String engine, ClipWeights weights, String id, Path cache) throws Exception {
        switch (engine) {
            case "djl" -> {
                ai.djl.engine.Engine.getEngine("PyTorch"); // loads the native library before setting threads
                ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
                DjlClipModel djl = new DjlClipModel(weights);
                return new Runner() {
                    @Override
                    public float[][] features(float[] pixels, int count) {
                        return djl.imageFeatures(pixels, count);
                    }

                    @Override
                    public void close() {
                        djl.close();
                    }
                };
            }
            case "ort-fp32", "ort-fp32-basic", "ort-fp32-spin", "ort-int8" -> {
                Precision precision = engine.equals("ort-int8") ? Precision.INT8 : Precision.FP32;
                Models.Exported exported = Models.export(model, id, precision, cache);
                OnnxClipEncoder.Settings settings = switch (engine) {
                    case "ort-fp32-basic" -> new OnnxClipEncoder.Settings(threads,
                            OrtSession.SessionOptions.OptLevel.BASIC_OPT, false);
                    case "ort-fp32-spin" -> new OnnxClipEncoder.Settings(threads,
                            OrtSession.SessionOptions.OptLevel.ALL_OPT, true);
                    default -> OnnxClipEncoder.Settings.defaults().withThreads(threads);
                };
                ClipEncoderBase encoder = new OnnxClipEncoder(exported.vision(), null, exported.config(), id,
                        frame -> new float[0], null, FramePolicy.FIRST, 32, settings);
                return new Runner() {
                    @Override
                    public float[][] features(float[] pixels, int count) {
                        return encoder.imageFeatures(pixels, count);
                    }

                    @Override
                    public void close() {
                        encoder.close();
                    }
                };
            }
            default -> throw new IllegalArgumentException("unknown engine '" + engine
                    + "'; expected djl, ort-fp32, ort-fp32-basic, ort-fp32-spin or ort-int8");
        }
    }

    /** Runs {@code tools/clip_reference.py --bench} on the same model and returns its JSON line. */
    private ObjectNode pythonReference() {
        ObjectNode result = json.createObjectNode();
        if (python.equals("none")) {
            result.put("skipped", "--python none");
            return result;
        }
        Path script = repoRoot().resolve("tools/clip_reference.py");
        if (!Files.isRegularFile(script)) {
            result.put("skipped", "no " + script);
            return result;
        }
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--bench", "--model",
                model.toString(), "--threads", Integer.toString(threads), "--seconds", Double.toString(seconds),
                "--batches"));
        batches.forEach(b -> command.add(Integer.toString(b)));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                result.put("skipped", "the reference script failed: " + String.join(" ", command));
                return result;
            }
            String last = output.strip().lines().reduce((a, b) -> b).orElse("{}");
            result.setAll((ObjectNode) json.readTree(last));
            result.put("command", String.join(" ", command));
        } catch (IOException | InterruptedException | ClassCastException e) {
            result.put("skipped", "cannot run " + python + ": " + e.getMessage());
        }
        return result;
    }

    /** Measures float32 MatMul throughput of ONNX Runtime on 2048 x 2048 x 2048 in GFLOP/s: the best of three 1 s windows. */
    static double sgemmPeak(int threads) throws Exception {
        int n = 2048;
        OnnxGraph graph = new OnnxGraph("sgemm");
        String a = graph.input("a", OnnxGraph.FLOAT, n, n);
        String b = graph.floats("b", randomPixels(n * n, 3), n, n);
        graph.node("", "MatMul", List.of(a, b), List.of("c"));
        graph.output("c", OnnxGraph.FLOAT, n, n);
        byte[] bytes = graph.toBytes("bench", "sgemm");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(bytes,
                OnnxClipEncoder.options(OnnxClipEncoder.Settings.defaults().withThreads(threads)));
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(randomPixels(n * n, 4)),
                        new long[] {n, n})) {
            session.run(Map.of("a", input)).close();
            double best = 0;
            for (int window = 0; window < 3; window++) {
                int runs = 0;
                long start = System.nanoTime();
                while (runs < 2 || System.nanoTime() - start < 1_000_000_000L) {
                    session.run(Map.of("a", input)).close();
                    runs++;
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                best = Math.max(best, runs * 2.0 * n * n * n / elapsed / 1e9);
            }
            return best;
        }
    }

    /** Floating-point operations of one image through the vision tower (multiply-adds count as 2). */
    static double visionFlops(ClipVisionConfig v, int projection) {
        double d = v.hiddenSize();
        double l = v.numPositions();
        double patches = v.numPatches() * d * v.numChannels() * v.patchSize() * v.patchSize() * 2;
        double perLayer = 4 * l * d * d * 2 + 2 * l * l * d * 2 + 2 * l * d * v.intermediateSize() * 2;
        return patches + v.numHiddenLayers() * perLayer + d * projection * 2;
    }

    private static double minCosine(float[][] a, float[][] b) {
        double min = 1;
        for (int i = 0; i < a.length; i++) {
            min = Math.min(min, Embedding.normalise(a[i]).cosine(Embedding.normalise(b[i])));
        }
        return min;
    }

    static float[] randomPixels(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return values;
    }

    /** Finds the repository: {@code -Dgse.repo}, else the folder above {@code target/gse.jar}, else the working folder. */
    static Path repoRoot() {
        String property = System.getProperty("gse.repo");
        if (property != null) {
            return Path.of(property);
        }
        try {
            Path jar = Path.of(BenchEncodeCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            if (root != null && Files.isRegularFile(root.resolve("tools/clip_reference.py"))) {
                return root;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through
        }
        return Path.of(".");
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
