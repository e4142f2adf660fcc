package org.gse.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.gse.decode.FramePolicy;
import org.gse.model.ClipConfig;
import org.gse.model.ClipEncoderBase;
import org.gse.model.PixelPreprocessor;
import org.gse.model.TextTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link org.gse.model.Encoder} over ONNX Runtime (the default engine). Runs a vision graph and, when given,
 * a text graph. Works with the graphs {@link ClipOnnxExporter} writes and with other exports whose vision input
 * is {@code pixel_values} (or the only input) and whose output is {@code image_embeds} (or the first 2-D float
 * output), such as a Hugging Face {@code vision_model.onnx}.
 */
public final class OnnxClipEncoder extends ClipEncoderBase {

    private static final Logger log = LoggerFactory.getLogger(OnnxClipEncoder.class);

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession vision;
    private final OrtSession text;
    private final String visionInput;
    private final String visionOutput;
    private final String textInput;
    private final String textOutput;
    private final int imageSize;
    private volatile String precisionLabel = "fp32";

    /** Session settings. */
    public record Settings(int intraOpThreads, OrtSession.SessionOptions.OptLevel optLevel, boolean spinning) {
        /**
         * intra-op threads = available processors, every graph optimisation, and worker threads that sleep instead
         * of spinning between operators: spinning wins a few percent on an idle machine but loses several times
         * over when decoding threads or other processes share the cores (measured in docs/benchmarks.md).
         */
        public static Settings defaults() {
            return new Settings(Runtime.getRuntime().availableProcessors(),
                    OrtSession.SessionOptions.OptLevel.ALL_OPT, false);
        }

        public Settings withThreads(int threads) {
            return new Settings(threads, optLevel, spinning);
        }
    }

    /**
     * Opens the graphs. {@code textGraph} may be null (vision only). {@code config} supplies the image size and
     * projection size; the graphs' own input shapes must agree.
     */
    public OnnxClipEncoder(Path visionGraph, Path textGraph, ClipConfig config, String modelId,
            PixelPreprocessor preprocessor, TextTokenizer tokenizer, FramePolicy framePolicy, int batchSize,
            Settings settings) throws OrtException {
        super(modelId, config, preprocessor, tokenizer, framePolicy, batchSize);
        this.imageSize = config.visionConfig().imageSize();
        OrtSession v = null;
        OrtSession t = null;
        try {
            v = env.createSession(visionGraph.toString(), options(settings));
            this.visionInput = pickInput(v, ClipOnnxExporter.PIXEL_VALUES);
            this.visionOutput = pickOutput(v, ClipOnnxExporter.IMAGE_EMBEDS);
            if (textGraph != null) {
                t = env.createSession(textGraph.toString(), options(settings));
                this.textInput = pickInput(t, ClipOnnxExporter.INPUT_IDS);
                this.textOutput = pickOutput(t, ClipOnnxExporter.TEXT_EMBEDS);
            } else {
                this.textInput = null;
                this.textOutput = null;
            }
        } catch (OrtException | RuntimeException e) {
            if (v != null) {
                v.close();
            }
            if (t != null) {
                t.close();
            }
            throw e;
        }
        this.vision = v;
        this.text = t;
        log.debug("ONNX Runtime sessions: vision {} ({} -> {}), text {}", visionGraph, visionInput, visionOutput,
                textGraph);
    }

    /** Returns the session options: intra-op threads, optimisation level, sequential execution. */
    public static OrtSession.SessionOptions options(Settings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(settings.intraOpThreads());
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(settings.optLevel());
        options.addConfigEntry("session.intra_op.allow_spinning", settings.spinning() ? "1" : "0");
        return options;
    }

    private static String pickInput(OrtSession session, String preferred) {
        if (session.getInputNames().contains(preferred)) {
            return preferred;
        }
        if (session.getInputNames().size() == 1) {
            return session.getInputNames().iterator().next();
        }
        throw new IllegalArgumentException("ONNX graph has inputs " + session.getInputNames() + "; expected '"
                + preferred + "' or a single input");
    }

    private static String pickOutput(OrtSession session, String preferred) throws OrtException {
        if (session.getOutputNames().contains(preferred)) {
            return preferred;
        }
        for (Map.Entry<String, NodeInfo> output : session.getOutputInfo().entrySet()) {
            if (output.getValue().getInfo() instanceof TensorInfo info && info.getShape().length == 2) {
                return output.getKey();
            }
        }
        throw new IllegalArgumentException("ONNX graph has outputs " + session.getOutputNames() + "; expected '"
                + preferred + "' or a 2-D embedding output");
    }

    @Override
    public float[][] imageFeatures(float[] pixels, int count) {
        long[] shape = {count, 3, imageSize, imageSize};
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
                OrtSession.Result result = vision.run(Map.of(visionInput, input), java.util.Set.of(visionOutput))) {
            return (float[][]) result.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on the vision graph: " + e.getMessage(), e);
        }
    }

    @Override
    public float[][] textFeatures(long[] ids, int count) {
        if (text == null) {
            throw new UnsupportedOperationException("no text graph was loaded for model " + modelId());
        }
        long[] shape = {count, ids.length / count};
        try (OnnxTensor input = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                OrtSession.Result result = text.run(Map.of(textInput, input), java.util.Set.of(textOutput))) {
            return (float[][]) result.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on the text graph: " + e.getMessage(), e);
        }
    }

    @Override
    protected boolean textTowerAvailable() {
        return text != null;
    }

    @Override
    public String engine() {
        return "onnxruntime";
    }

    @Override
    public String precision() {
        return precisionLabel;
    }

    /** Records the numeric format of the vision graph (for {@code model.json} and cache keys). */
    public void setPrecisionLabel(String label) {
        this.precisionLabel = label;
    }

    @Override
    public void close() {
        try {
            vision.close();
            if (text != null) {
                text.close();
            }
        } catch (OrtException e) {
            log.warn("Closing ONNX Runtime sessions failed: {}", e.getMessage());
        }
    }
}
