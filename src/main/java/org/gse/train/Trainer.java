package org.gse.train;

import org.gse.djl.DjlArrays;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.gse.data.Pair;
import org.gse.data.PairSet;
import org.gse.djl.DjlClipModel;
import org.gse.embed.StickerEmbedder;
import org.gse.model.ClipCheckpoint;
import org.gse.model.ClipConfig;
import org.gse.model.ClipImageProcessor;
import org.gse.model.ClipImageProcessorConfig;
import org.gse.model.ClipKeys;
import org.gse.model.ClipTokenizer;
import org.gse.model.ClipWeights;
import org.gse.model.ModelBundle;
import org.gse.model.Tensor;
import org.gse.decode.AlphaPolicy;
import org.gse.train.TrainConfig.Kind;
import org.gse.train.TrainConfig.Mode;
import org.gse.train.TrainConfig.StageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link TrainConfig}: stages in order on one CLIP model, then writes a {@link ModelBundle}.
 *
 * <p>A run, in steps:
 * <ol>
 *   <li>Load the base weights (or random weights of an inline architecture), tokenizer and preprocessing.</li>
 *   <li>Read every stage's data, reject test stickers, and split the stickers into training and validation by a
 *       seeded hash of the sticker id, the same split for every stage.</li>
 *   <li>Per stage: choose the trainable parameters; in {@code head} mode cache the frozen backbone's pooled
 *       features; then per epoch: a seeded order, micro-batches with accumulation, AdamW with warm-up and cosine
 *       decay, global-norm clipping; validation AUC; a checkpoint; early stopping, which restores the best
 *       epoch's weights.</li>
 *   <li>Choose {@code threshold} on validation pairs (max accuracy) and write the bundle.</li>
 * </ol>
 *
 * <p>Reproducibility: the epoch order comes from a generator seeded by (seed, stage, epoch), and each example's
 * augmentation and query choice from one seeded by (seed, stage, epoch, position, slot). Nothing random is carried
 * between steps, so a run resumed from a checkpoint takes the same steps as one that never stopped.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives progress; the command line draws a progress bar from it. */
    public interface Listener {
        /** A stage starts (or resumes) with {@code totalSteps} optimizer steps, {@code done} of them done. */
        default void stageStarted(String label, long totalSteps, long done) {}

        /** An optimizer step finished. */
        default void step(String label, int epoch, int epochs, double loss, double learningRate) {}

        /** The stage ended. */
        default void stageFinished(String label) {}
    }

    /**
     * The outcome of {@link #run}.
     *
     * @param bundle the written bundle, or null when the run was interrupted
     * @param checkpoint the checkpoint folder
     * @param card the model card, or null when interrupted
     */
    public record Result(Path bundle, Path checkpoint, ObjectNode card) {
        public boolean interrupted() {
            return bundle == null;
        }
    }

    private final TrainConfig config;
    private final Path checkpointFolder;
    private final Listener listener;
    private volatile boolean stopRequested;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Test hook: stop (with a checkpoint) after this many epochs in this run; negative = never. */
    private int stopAfterEpochs = -1;
    /** The pairs of the config's validation file, or null when validation stickers are held out by hash. */
    private List<Pair> validationPairs;
    /** When this run started, so checkpoints carry the training time of all runs of the job. */
    private long runStartNanos;
    /** Training time of the earlier runs that the checkpoint records. */
    private double earlierSeconds;

    public Trainer(TrainConfig config, Listener listener) {
        this.config = config;
        this.listener = listener == null ? new Listener() {} : listener;
        Path out = config.output().toAbsolutePath().normalize();
        this.checkpointFolder = out.resolveSibling(out.getFileName() + ".checkpoint");
    }

    /** Returns the folder checkpoints go to: the output folder's name plus {@code .checkpoint}. */
    public Path checkpointFolder() {
        return checkpointFolder;
    }

    /** Asks the run to save a checkpoint after the current optimizer step and return (a Ctrl-C). */
    public void requestStop() {
        stopRequested = true;
    }

    /** Waits until {@link #run} has returned; true when it did within the timeout. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    /** Stops with a checkpoint after {@code epochs} epochs of this run, as an interrupt would (for tests). */
    void stopAfterEpochs(int epochs) {
        this.stopAfterEpochs = epochs;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The run

    /** Trains; with {@code resume}, continues from the checkpoint folder. */
    public Result run(boolean resume) throws IOException {
        try {
            return runStages(resume);
        } finally {
            finished.countDown();
        }
    }

    private Result runStages(boolean resume) throws IOException {
        runStartNanos = System.nanoTime();
        String configHash = configHash();

        // 1. Checkpoint or fresh start
        TrainCheckpoint state;
        TrainCheckpoint.Tensors saved = null;
        if (resume) {
            var loaded = TrainCheckpoint.load(checkpointFolder);
            state = loaded.getKey();
            saved = loaded.getValue();
            if (!state.configSha256().equals(configHash)) {
                throw new IllegalArgumentException("--resume: the configuration changed since the checkpoint in "
                        + checkpointFolder + " was written; restore it, or delete the checkpoint and start over");
            }
            earlierSeconds = state.elapsedSeconds();
            LOG.info("Resuming from {}: stage {}, epoch {}, micro-batch {}", checkpointFolder, state.stage() + 1,
                    state.epoch() + 1, state.microBatch());
        } else {
            if (TrainCheckpoint.exists(checkpointFolder)) {
                throw new IllegalArgumentException("a checkpoint of an earlier run exists in " + checkpointFolder
                        + "; pass --resume to continue it, or delete the folder to start over");
            }
            state = new TrainCheckpoint(configHash, 0, 0, 0, 0, Double.NaN, -1, 0, 0,
                    JSON.createArrayNode(), JSON.createArrayNode());
        }

        // 2. Base model, tokenizer, preprocessing
        Base base = loadBase();
        ClipWeights weights = base.weights();
        if (saved != null) {
            // A stage before the stop added an MLP image head: its weights are in the checkpoint.
            Tensor fc1 = saved.model().get(ClipKeys.weight(ClipKeys.VISION_HEAD_FC1));
            ClipConfig savedConfig = fc1 == null ? weights.config()
                    : weights.config().withVisionHead(new ClipConfig.VisionHead((int) fc1.shape()[0]));
            weights = new ClipWeights(savedConfig, saved.model());
        }

        // 3. Data, test leakage check, validation split
        List<StageData> data = new ArrayList<>();
        for (StageConfig stage : config.stages()) {
            data.add(StageData.read(stage));
        }
        checkLeakage(data, config.test(), "test", "test results would be meaningless");
        checkLeakage(data, config.validation(), "validation", "early stopping and the threshold would be biased");
        validationPairs = config.validation() == null ? null : PairSet.read(config.validation()).pairs();
        Set<String> validation = validationStickers(data);
        Map<Path, StickerImages> images = new HashMap<>();
        int size = weights.config().visionConfig().imageSize();
        ClipImageProcessor processor = new ClipImageProcessor(base.preprocessor(), AlphaPolicy.WHITE);
        for (int i = 0; i < data.size(); i++) {
            StageData stageData = data.get(i);
            StickerImages stickers = images.computeIfAbsent(stageData.stage().images(),
                    folder -> new StickerImages(processor, size));
            stickers.load(stageData.stage().images(), stageData.stickers());
            if (validationPairs != null) {
                stickers.load(stageData.stage().images(), validation);
            }
        }

        try (DjlClipModel model = new DjlClipModel(weights);
                NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Session session = new Session(model, manager, base.tokenizer(), validation);

            // 4. Stages
            for (int s = state.stage(); s < data.size(); s++) {
                StageData stageData = data.get(s);
                StickerImages stickers = images.get(stageData.stage().images());
                state = session.runStage(s, stageData, stickers, state, saved);
                saved = null;
                if (state == null) {
                    return new Result(null, checkpointFolder, null);
                }
            }

            // 5. Threshold, card, bundle
            StageData calibration = data.getLast();
            for (StageData stageData : data) {
                if (stageData.stage().kind() == Kind.IMAGE_IMAGE) {
                    calibration = stageData;
                }
            }
            Validation finalValidation = session.validate(calibration, images.get(calibration.stage().images()));
            double[] threshold = PairAuc.bestThreshold(finalValidation.scores(), finalValidation.labels());
            double seconds = elapsed();
            ObjectNode card = card(base, data, state.stages(), finalValidation, threshold, seconds);
            if (config.test() != null) {
                reportTest(session, calibration, images.get(calibration.stage().images()), threshold[0], card);
            }
            ObjectNode gse = JSON.createObjectNode().put("frame_policy", "middle").put("alpha_policy", "white");
            ModelBundle.write(config.output(), model.config(), model.toTensors(), base.preprocessor(),
                    base.tokenizerFile(), gse, card);
            LOG.info("Training finished in {} s: validation AUC {}, threshold {} (accuracy {})",
                    String.format(Locale.ROOT, "%.1f", seconds), fmt(finalValidation.auc()), fmt(threshold[0]),
                    fmt(threshold[1]));
            deleteCheckpoint();
            return new Result(config.output(), checkpointFolder, card);
        } finally {
            if (base.tokenizer() != null) {
                base.tokenizer().close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Setup

    /** The starting point of a run. */
    private record Base(ClipWeights weights, ClipTokenizer tokenizer, Path tokenizerFile,
            ClipImageProcessorConfig preprocessor) {}

    private Base loadBase() throws IOException {
        TrainConfig.Base base = config.base();
        ClipWeights weights;
        ClipImageProcessorConfig preprocessor;
        Path tokenizerFile = base.tokenizer();
        if (base.model() != null) {
            LOG.info("Loading the base model {}", base.model());
            weights = ClipWeights.of(ClipCheckpoint.load(base.model()));
            Path folder = Files.isDirectory(base.model()) ? base.model() : base.model().toAbsolutePath().getParent();
            preprocessor = ClipImageProcessorConfig.load(base.preprocessor() != null ? base.preprocessor() : folder);
            if (tokenizerFile == null && Files.isRegularFile(folder.resolve("tokenizer.json"))) {
                tokenizerFile = folder.resolve("tokenizer.json");
            }
        } else {
            LOG.info("Starting from random weights (seed {}): {}", config.seed(),
                    ClipCheckpoint.describe(base.architecture()));
            weights = ClipWeights.random(base.architecture(), config.seed());
            int side = base.architecture().visionConfig().imageSize();
            ClipImageProcessorConfig d = ClipImageProcessorConfig.DEFAULT;
            preprocessor = base.preprocessor() != null ? ClipImageProcessorConfig.load(base.preprocessor())
                    : new ClipImageProcessorConfig(true, ClipImageProcessorConfig.Size.shortestEdge(side),
                            d.resample(), true, new ClipImageProcessorConfig.CropSize(side, side), true,
                            d.rescaleFactor(), true, d.imageMean(), d.imageStd(), true);
        }
        int side = weights.config().visionConfig().imageSize();
        int[] output = new ClipImageProcessor(preprocessor, AlphaPolicy.WHITE).fixedOutputSize();
        if (output == null || output[0] != side || output[1] != side) {
            throw new IllegalArgumentException("the preprocessor config gives " + (output == null ? "a variable size"
                    : output[0] + "x" + output[1]) + " images but the model takes " + side + "x" + side
                    + "; set base.preprocessor to a matching preprocessor_config.json");
        }

        ClipTokenizer tokenizer = null;
        boolean needsText = config.stages().stream().anyMatch(s -> s.kind() == Kind.IMAGE_TEXT);
        if (needsText) {
            if (!weights.config().hasText()) {
                throw new IllegalArgumentException("the base model " + base.describe() + " has no text tower, so it"
                        + " cannot run an image-text stage");
            }
            if (tokenizerFile == null) {
                throw new IllegalArgumentException("no tokenizer.json beside " + base.describe()
                        + "; set base.tokenizer");
            }
            tokenizer = ClipTokenizer.load(tokenizerFile, ClipTokenizer.Options.of(weights.config().textConfig()));
            int eos = weights.config().textConfig().eosTokenId();
            if (eos != 2 && eos != tokenizer.eosId()) {
                tokenizer.close();
                throw new IllegalArgumentException("text_config.eos_token_id is " + eos + " but " + tokenizerFile
                        + " ends texts with id " + tokenizer.eosId() + "; use the tokenizer of this model");
            }
        }
        return new Base(weights, tokenizer, needsText ? tokenizerFile : null, preprocessor);
    }

    /** Fails when a sticker of the {@code role} pair file (test or validation) appears in any stage's data. */
    private static void checkLeakage(List<StageData> data, Path file, String role, String consequence)
            throws IOException {
        if (file == null) {
            return;
        }
        Set<String> heldOut = new TreeSet<>();
        for (Pair pair : PairSet.read(file).pairs()) {
            heldOut.add(pair.stickerId());
            heldOut.add(pair.stickerId2());
        }
        for (StageData stageData : data) {
            Set<String> leaked = new TreeSet<>(stageData.stickers());
            leaked.retainAll(heldOut);
            if (!leaked.isEmpty()) {
                List<String> examples = new ArrayList<>(leaked).subList(0, Math.min(5, leaked.size()));
                throw new IllegalArgumentException(leaked.size() + " stickers of the " + role + " file " + file
                        + " appear in the training data " + stageData.stage().data() + " (for example "
                        + String.join(", ", examples) + "); remove them from the training data, since "
                        + consequence);
            }
        }
    }

    /**
     * Picks validation stickers: those of the validation pair file when the config names one, otherwise those
     * whose seeded hash falls below the validation fraction.
     */
    private Set<String> validationStickers(List<StageData> data) {
        if (validationPairs != null) {
            Set<String> ids = new LinkedHashSet<>();
            for (Pair pair : validationPairs) {
                ids.add(pair.stickerId());
                ids.add(pair.stickerId2());
            }
            LOG.info("Validation: {} pairs of {} stickers from {}", validationPairs.size(), ids.size(),
                    config.validation());
            return ids;
        }
        Set<String> all = new TreeSet<>();
        for (StageData stageData : data) {
            all.addAll(stageData.stickers());
        }
        Set<String> validation = new LinkedHashSet<>();
        for (String id : all) {
            if (new SplittableRandom(mix(config.seed(), id.hashCode(), 0x5EED)).nextDouble()
                    < config.validationFraction()) {
                validation.add(id);
            }
        }
        LOG.info("Validation split: {} of {} stickers held out ({}%)", validation.size(), all.size(),
                Math.round(100 * config.validationFraction()));
        return validation;
    }

    // ---------------------------------------------------------------------------------------------------------
    // One session: the model and everything a stage needs

    private final class Session {
        final DjlClipModel model;
        final NDManager manager;
        final ClipTokenizer tokenizer;
        final Set<String> validation;
        final Map<String, long[]> tokenCache = new HashMap<>();
        /** Head mode: pooled backbone features by sticker id and by query. */
        Map<String, float[]> pooledImages;
        Map<String, float[]> pooledTexts;
        Mode mode;

        Session(DjlClipModel model, NDManager manager, ClipTokenizer tokenizer, Set<String> validation) {
            this.model = model;
            this.manager = manager;
            this.tokenizer = tokenizer;
            this.validation = validation;
        }

        /** Runs stage {@code s} from {@code state}; returns the state after it, or null when interrupted. */
        TrainCheckpoint runStage(int s, StageData data, StickerImages stickers, TrainCheckpoint state,
                TrainCheckpoint.Tensors saved) throws IOException {
            StageConfig stage = data.stage();
            String label = String.format(Locale.ROOT, "stage %d/%d %s", s + 1, config.stages().size(), stage.name());
            mode = stage.mode();
            boolean imageText = stage.kind() == Kind.IMAGE_TEXT;

            // 1. Image head, trainable parameters and examples
            if (stage.head() != null) {
                addVisionHead(stage.head(), s, label);
            }
            model.setTrainable(trainable(stage, model.config()));
            Map<String, NDArray> parameters = model.trainableParameters();
            List<Example> examples = data.examples(validation);
            if (examples.size() < 2) {
                throw new IllegalArgumentException(label + ": only " + examples.size() + " training examples after"
                        + " holding out validation stickers; " + stage.data() + " needs more rows");
            }
            int batch = Math.min(stage.batchSize(), examples.size());
            int microBatches = examples.size() / batch;
            long stepsPerEpoch = (microBatches + stage.accumulationSteps() - 1) / stage.accumulationSteps();
            long totalSteps = stepsPerEpoch * stage.epochs();
            long parameterCount = parameters.values().stream().mapToLong(p -> p.getShape().size()).sum();
            String unit = stage.kind() == Kind.IMAGE_IMAGE && stage.loss() == TrainConfig.Loss.SUPCON
                    ? "image-image groups" : stage.kind().id + " examples";
            LOG.info("{}: {} {} for training, validation on {}, train {} ({} parameters), batch {} x {},"
                    + " {} steps per epoch", label, examples.size(), unit,
                    validationPairs != null ? config.validation().getFileName() : validationCount(data) + " stickers",
                    stage.modeText(), parameterCount, batch, stage.accumulationSteps(), stepsPerEpoch);

            // 2. Head mode: pooled features of the frozen backbone, cached in the checkpoint folder
            if (mode == Mode.HEAD) {
                cachePooledFeatures(s, data, stickers);
            }

            Map<String, Tensor> best = new LinkedHashMap<>();
            ArrayNode history = state.history();
            double bestAuc = state.bestAuc();
            int bestEpoch = state.bestEpoch();
            int badEpochs = state.badEpochs();
            int epochsThisRun = 0;
            int skippedSteps = 0;
            try (AdamW optimizer = new AdamW(parameters, stage.weightDecay(), manager)) {
                if (saved != null && state.optimizerStep() > 0) {
                    optimizer.restore(saved.optimizer(), state.optimizerStep());
                }
                if (saved != null) {
                    best.putAll(saved.best());
                }
                listener.stageStarted(label, totalSteps, optimizer.step());

                // 3. Epochs
                int epoch = state.epoch();
                int startMicroBatch = state.microBatch();
                boolean stopEarly = false;
                for (; epoch < stage.epochs() && !stopEarly; epoch++) {
                    int[] order = permutation(examples.size(), new SplittableRandom(mix(config.seed(), s, epoch)));
                    double lossSum = 0;
                    int lossCount = 0;
                    for (int mb = startMicroBatch; mb < microBatches; mb += stage.accumulationSteps()) {
                        double lr = AdamW.learningRate(stage.learningRate(), optimizer.step(), stage.warmupSteps(),
                                totalSteps);
                        int last = Math.min(microBatches, mb + stage.accumulationSteps());
                        double loss = 0;
                        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                            for (int m = mb; m < last; m++) {
                                try (NDManager scope = manager.newSubManager()) {
                                    List<Example> items = new ArrayList<>(batch);
                                    for (int i = m * batch; i < (m + 1) * batch; i++) {
                                        items.add(examples.get(order[i]));
                                    }
                                    NDArray value = loss(stage, items, stickers, s, epoch, m * batch, scope);
                                    collector.backward(value.div(last - mb));
                                    loss += value.getFloat() / (last - mb);
                                }
                            }
                        }
                        double norm = optimizer.clipGradients(stage.maxGradNorm());
                        if (!Double.isFinite(norm)) {
                            // Clipping cannot rescue an infinite gradient (inf * 0 is NaN), and one NaN update
                            // ruins every weight, so the step is skipped as torch.amp's GradScaler skips it.
                            // NOTE: which examples give the non-finite gradients in image-image stages on the emoji
                            // corpus (several per epoch from random weights) has not been found.
                            skippedSteps++;
                            LOG.warn("{} epoch {}/{}: gradient norm {} at micro-batch {}; skipped this step ({} so"
                                    + " far in the run)", label, epoch + 1, stage.epochs(), norm, mb, skippedSteps);
                            optimizer.discardGradients();
                            continue;
                        }
                        optimizer.update(lr);
                        if (imageText && parameters.containsKey(ClipKeys.LOGIT_SCALE)) {
                            AdamW.clampLogitScale(parameters.get(ClipKeys.LOGIT_SCALE));
                        }
                        lossSum += loss;
                        lossCount++;
                        listener.step(label, epoch + 1, stage.epochs(), loss, lr);
                        if (optimizer.step() % config.logEvery() == 0) {
                            LOG.info("{} epoch {}/{} step {}/{}: loss {}, lr {}, grad norm {}", label, epoch + 1,
                                    stage.epochs(), optimizer.step(), totalSteps, fmt(loss),
                                    String.format(Locale.ROOT, "%.3g", lr), fmt(norm));
                        }
                        if (stopRequested && last < microBatches) {
                            LOG.warn("Stop requested: saving a checkpoint at {} epoch {} micro-batch {}", label,
                                    epoch + 1, last);
                            new TrainCheckpoint(state.configSha256(), s, epoch, last, optimizer.step(), bestAuc,
                                    bestEpoch, badEpochs, elapsed(), state.stages(), history)
                                    .save(checkpointFolder, tensors(optimizer, best));
                            return null;
                        }
                    }
                    startMicroBatch = 0;

                    // 4. Validation, early stopping, checkpoint
                    Validation v = validate(data, stickers);
                    history.add(JSON.createObjectNode().put("epoch", epoch + 1)
                            .put("train_loss", lossCount == 0 ? null : lossSum / lossCount)
                            .put("validation_auc", Double.isNaN(v.auc()) ? null : v.auc()));
                    LOG.info("{} epoch {}/{} done: mean loss {}, validation AUC {} ({} pairs)", label, epoch + 1,
                            stage.epochs(), fmt(lossCount == 0 ? Double.NaN : lossSum / lossCount), fmt(v.auc()),
                            v.scores().length);
                    if (Double.isNaN(v.auc())) {
                        LOG.warn("{}: validation AUC is undefined (validation pairs lack a class); early stopping"
                                + " is off for this epoch", label);
                    } else if (Double.isNaN(bestAuc) || v.auc() >= bestAuc) {
                        // A tie keeps the later, longer-trained weights. In a train: text stage validated on image
                        // pairs every epoch ties, because the image tower is locked, so the last epoch is kept.
                        bestAuc = v.auc();
                        bestEpoch = epoch;
                        badEpochs = 0;
                        best.clear();
                        parameters.forEach((key, p) -> best.put(key, new Tensor(p.getShape().getShape(),
                                p.toFloatArray())));
                    } else {
                        badEpochs++;
                        stopEarly = stage.patience() > 0 && badEpochs >= stage.patience();
                        if (stopEarly) {
                            LOG.info("{}: early stop after epoch {}, no better validation AUC for {} epochs;"
                                    + " keeping epoch {}", label, epoch + 1, badEpochs, bestEpoch + 1);
                        }
                    }
                    epochsThisRun++;
                    boolean stageDone = stopEarly || epoch + 1 == stage.epochs();
                    TrainCheckpoint next;
                    if (stageDone) {
                        restoreBest(best, bestEpoch, epoch, label);
                        ArrayNode stages = state.stages().deepCopy();
                        stages.add(stageSummary(data, epoch + 1, bestEpoch, bestAuc, history));
                        next = new TrainCheckpoint(state.configSha256(), s + 1, 0, 0, 0, Double.NaN, -1, 0,
                                elapsed(), stages, JSON.createArrayNode());
                        next.save(checkpointFolder, new TrainCheckpoint.Tensors(model.toTensors(), Map.of(), Map.of()));
                    } else {
                        next = new TrainCheckpoint(state.configSha256(), s, epoch + 1, 0, optimizer.step(), bestAuc,
                                bestEpoch, badEpochs, elapsed(), state.stages(), history);
                        next.save(checkpointFolder, tensors(optimizer, best));
                    }
                    if (stageDone) {
                        listener.stageFinished(label);
                        return next;
                    }
                    if (stopAfterEpochs >= 0 && epochsThisRun >= stopAfterEpochs) {
                        LOG.info("Stopping after {} epochs as requested; checkpoint in {}", epochsThisRun,
                                checkpointFolder);
                        return null;
                    }
                    if (stopRequested) {
                        return null;
                    }
                }
                throw new IllegalStateException("stage loop ended without finishing " + label);
            }
        }

        /**
         * Adds the stage's MLP image head to the model, initialised as PyTorch's {@code nn.Linear} is (uniform in
         * {@code +-1/sqrt(fan_in)}) from a generator seeded by (seed, stage). A head that an earlier stage added,
         * or that the base model has, is kept when its width matches.
         */
        private void addVisionHead(ClipConfig.VisionHead head, int s, String label) {
            ClipConfig.VisionHead present = model.config().visionHead();
            if (present != null) {
                if (present.hidden() != head.hidden()) {
                    throw new IllegalArgumentException(label + ": head.hidden is " + head.hidden() + " but the model"
                            + " already has an mlp head of width " + present.hidden() + "; use the same width");
                }
                return;
            }
            SplittableRandom random = new SplittableRandom(mix(config.seed(), s, 0x4EAD));
            Map<String, long[]> shapes = ClipKeys.expected(model.config().withVisionHead(head));
            Map<String, Tensor> weights = new LinkedHashMap<>();
            for (String module : new String[] {ClipKeys.VISION_HEAD_FC1, ClipKeys.VISION_HEAD_FC2}) {
                long[] weightShape = shapes.get(ClipKeys.weight(module));
                double bound = 1 / Math.sqrt(weightShape[1]);
                weights.put(ClipKeys.weight(module), uniform(weightShape, bound, random));
                weights.put(ClipKeys.bias(module), uniform(shapes.get(ClipKeys.bias(module)), bound, random));
            }
            model.addVisionHead(head, weights);
            LOG.info("{}: added an mlp image head ({} -> {} -> {}) in place of visual_projection", label,
                    model.config().visionConfig().hiddenSize(), head.hidden(), model.config().projectionDim());
        }

        private TrainCheckpoint.Tensors tensors(AdamW optimizer, Map<String, Tensor> best) {
            return new TrainCheckpoint.Tensors(model.toTensors(), optimizer.state(), best);
        }

        private void restoreBest(Map<String, Tensor> best, int bestEpoch, int lastEpoch, String label) {
            if (best.isEmpty() || bestEpoch == lastEpoch) {
                return;
            }
            LOG.info("{}: restoring the weights of epoch {}, the best on validation", label, bestEpoch + 1);
            JniUtils.setGradMode(false);
            best.forEach((key, tensor) -> model.parameters().get(key).set(tensor.data()));
        }

        private long validationCount(StageData data) {
            return data.stickers().stream().filter(validation::contains).count();
        }

        // -----------------------------------------------------------------------------------------------------
        // Losses

        /** Returns the loss of one micro-batch; {@code position} is the index of its first example in the epoch. */
        private NDArray loss(StageConfig stage, List<Example> items, StickerImages stickers, int s, int epoch,
                int position, NDManager scope) {
            int b = items.size();
            if (stage.kind() == Kind.IMAGE_TEXT) {
                List<String> images = new ArrayList<>(b);
                List<String> texts = new ArrayList<>(b);
                List<SplittableRandom> randoms = new ArrayList<>(b);
                for (int i = 0; i < b; i++) {
                    Example example = items.get(i);
                    SplittableRandom random = new SplittableRandom(mix(config.seed(), s, epoch, position + i));
                    images.add(example.first());
                    texts.add(example.queries().get(random.nextInt(example.queries().size())));
                    randoms.add(random);
                }
                NDArray imageFeatures = trainImages(images, stickers, stage, randoms, scope);  // (B, P)
                NDArray textFeatures = trainTexts(texts, scope);                                // (B, P)
                NDArray logitScale = model.parameters().get(ClipKeys.LOGIT_SCALE);
                return ContrastiveLoss.clip(imageFeatures, textFeatures, logitScale);
            }

            if (stage.loss() == TrainConfig.Loss.SUPCON) {
                List<String> members = new ArrayList<>();
                List<SplittableRandom> randoms = new ArrayList<>();
                int[] groups = new int[items.stream().mapToInt(e -> e.group().size()).sum()];
                for (int i = 0; i < b; i++) {
                    SplittableRandom random = new SplittableRandom(mix(config.seed(), s, epoch, position + i));
                    for (String member : items.get(i).group()) {
                        groups[members.size()] = i;
                        members.add(member);
                        randoms.add(random.split());
                    }
                }
                NDArray features = trainImages(members, stickers, stage, randoms, scope);         // (N, P)
                return ContrastiveLoss.supervised(features, groups, stage.temperature());
            }

            List<String> firsts = new ArrayList<>(b);
            List<String> seconds = new ArrayList<>(b);
            List<String> negatives = new ArrayList<>();
            List<SplittableRandom> randomsFirst = new ArrayList<>(b);
            List<SplittableRandom> randomsSecond = new ArrayList<>(b);
            List<SplittableRandom> randomsNegative = new ArrayList<>();
            float[] labels = new float[b];
            for (int i = 0; i < b; i++) {
                Example example = items.get(i);
                SplittableRandom random = new SplittableRandom(mix(config.seed(), s, epoch, position + i));
                firsts.add(example.first());
                seconds.add(example.second());
                labels[i] = example.similar() ? 1 : 0;
                randomsFirst.add(random.split());
                randomsSecond.add(random.split());
                if (stage.loss() == TrainConfig.Loss.INFONCE && stage.hardNegatives()
                        && !example.hardNegatives().isEmpty()) {
                    negatives.add(example.hardNegatives().get(random.nextInt(example.hardNegatives().size())));
                    randomsNegative.add(random.split());
                }
            }
            NDArray first = trainImages(firsts, stickers, stage, randomsFirst, scope);          // (B, P)
            NDArray second = trainImages(seconds, stickers, stage, randomsSecond, scope);       // (B, P)
            if (stage.loss() == TrainConfig.Loss.MARGIN) {
                return ContrastiveLoss.margin(first, second, DjlArrays.owned(scope.create(labels)), stage.margin());
            }
            NDArray hard = negatives.isEmpty() ? null
                    : trainImages(negatives, stickers, stage, randomsNegative, scope);           // (H, P)
            return ContrastiveLoss.infoNce(first, second, hard, stage.temperature());
        }

        private NDArray trainImages(List<String> ids, StickerImages stickers, StageConfig stage,
                List<SplittableRandom> randoms, NDManager scope) {
            if (mode == Mode.HEAD) {
                return imageHead(ids, scope);
            }
            int size = model.config().visionConfig().imageSize();
            int plane = 3 * size * size;
            float[] pixels = new float[ids.size() * plane];
            for (int i = 0; i < ids.size(); i++) {
                float[] one = stickers.augmentedPixels(ids.get(i), stage.augment(), randoms.get(i));
                System.arraycopy(one, 0, pixels, i * plane, plane);
            }
            return model.imageFeatures(DjlArrays.owned(scope.create(pixels, new Shape(ids.size(), 3, size, size))));
        }

        private NDArray trainTexts(List<String> texts, NDManager scope) {
            if (mode == Mode.HEAD) {
                return head(texts, pooledTexts, ClipKeys.TEXT_PROJECTION, scope);
            }
            return model.textFeatures(tokens(texts, scope));
        }

        /** Head mode: the image head on cached pooled features {@code (B, D)}, {@code (B, P)}. */
        private NDArray imageHead(List<String> ids, NDManager scope) {
            int width = pooledImages.get(ids.getFirst()).length;
            float[] rows = new float[ids.size() * width];
            for (int i = 0; i < ids.size(); i++) {
                System.arraycopy(pooledImages.get(ids.get(i)), 0, rows, i * width, width);
            }
            return model.imageHead(DjlArrays.owned(scope.create(rows, new Shape(ids.size(), width))), scope);
        }

        /** Head mode: cached pooled text features {@code (B, D)} times the projection, {@code (B, P)}. */
        private NDArray head(List<String> keys, Map<String, float[]> pooled, String projection, NDManager scope) {
            int width = pooled.get(keys.getFirst()).length;
            float[] rows = new float[keys.size() * width];
            for (int i = 0; i < keys.size(); i++) {
                System.arraycopy(pooled.get(keys.get(i)), 0, rows, i * width, width);
            }
            NDArray features = DjlArrays.owned(scope.create(rows, new Shape(keys.size(), width)));           // (B, D)
            NDArray weightT = model.parameters().get(projection).transpose();                 // (D, P)
            weightT.attach(scope);
            return features.matMul(weightT);                                                  // (B, P)
        }

        private NDArray tokens(List<String> texts, NDManager scope) {
            int length = tokenizer.contextLength();
            long[] ids = new long[texts.size() * length];
            for (int i = 0; i < texts.size(); i++) {
                long[] one = tokenCache.computeIfAbsent(texts.get(i), text -> tokenizer.encode(text).ids());
                System.arraycopy(one, 0, ids, i * length, length);
            }
            return DjlArrays.owned(scope.create(ids, new Shape(texts.size(), length)));
        }

        // -----------------------------------------------------------------------------------------------------
        // Head-mode cache

        /**
         * Computes the pooled (pre-projection) features of every sticker and query of the stage with the frozen
         * backbone, or reads them from the checkpoint folder. A second model with identity projections produces
         * them, since {@link DjlClipModel} returns only projected features.
         */
        private void cachePooledFeatures(int s, StageData data, StickerImages stickers) throws IOException {
            Path cache = checkpointFolder.resolve("features-stage" + (s + 1) + ".safetensors");
            List<String> stickerIds = new ArrayList<>(data.stickers());
            List<String> queries = new ArrayList<>(data.queries());
            pooledImages = new HashMap<>();
            pooledTexts = new HashMap<>();

            // 1. A cache written earlier in this job (a resumed run)
            if (Files.isRegularFile(cache)) {
                Map<String, Tensor> stored = org.gse.model.Safetensors.read(cache);
                unpack(stored.get("images"), stickerIds, pooledImages);
                if (!queries.isEmpty()) {
                    unpack(stored.get("texts"), queries, pooledTexts);
                }
                LOG.info("Read cached backbone features of {} stickers and {} queries from {}", stickerIds.size(),
                        queries.size(), cache);
                return;
            }

            // 2. An extractor: the same weights with identity projections wide enough for either tower
            long start = System.nanoTime();
            ClipConfig c = model.config();
            int dv = c.visionConfig().hiddenSize();
            int dt = c.hasText() ? c.textConfig().hiddenSize() : 0;
            int width = Math.max(dv, dt);
            Map<String, Tensor> tensors = new LinkedHashMap<>(model.toTensors());
            tensors.put(ClipKeys.VISUAL_PROJECTION, identity(width, dv));
            if (c.hasText()) {
                tensors.put(ClipKeys.TEXT_PROJECTION, identity(width, dt));
            }
            ClipConfig extractorConfig = new ClipConfig(c.visionConfig(), c.textConfig(), width,
                    c.logitScaleInitValue());

            // 3. Pooled features in batches, images then queries
            Map<String, Tensor> stored = new LinkedHashMap<>();
            try (DjlClipModel extractor = new DjlClipModel(new ClipWeights(extractorConfig, tensors))) {
                int size = c.visionConfig().imageSize();
                int plane = 3 * size * size;
                float[] all = new float[stickerIds.size() * dv];
                for (int from = 0; from < stickerIds.size(); from += 32) {
                    int to = Math.min(stickerIds.size(), from + 32);
                    float[] pixels = new float[(to - from) * plane];
                    for (int i = from; i < to; i++) {
                        System.arraycopy(stickers.evaluationPixels(stickerIds.get(i)), 0, pixels, (i - from) * plane,
                                plane);
                    }
                    float[][] rows = extractor.imageFeatures(pixels, to - from);
                    for (int i = from; i < to; i++) {
                        System.arraycopy(rows[i - from], 0, all, i * dv, dv);
                    }
                }
                stored.put("images", new Tensor(new long[] {stickerIds.size(), dv}, all));

                if (!queries.isEmpty()) {
                    float[] text = new float[queries.size() * dt];
                    int length = tokenizer.contextLength();
                    for (int from = 0; from < queries.size(); from += 64) {
                        int to = Math.min(queries.size(), from + 64);
                        long[] ids = new long[(to - from) * length];
                        for (int i = from; i < to; i++) {
                            System.arraycopy(tokenizer.encode(queries.get(i)).ids(), 0, ids, (i - from) * length,
                                    length);
                        }
                        float[][] rows = extractor.textFeatures(ids, to - from);
                        for (int i = from; i < to; i++) {
                            System.arraycopy(rows[i - from], 0, text, i * dt, dt);
                        }
                    }
                    stored.put("texts", new Tensor(new long[] {queries.size(), dt}, text));
                }
            }

            // 4. Write the cache, then keep the rows by key
            org.gse.model.Safetensors.write(cache, stored);
            unpack(stored.get("images"), stickerIds, pooledImages);
            if (!queries.isEmpty()) {
                unpack(stored.get("texts"), queries, pooledTexts);
            }
            LOG.info("Cached backbone features of {} stickers and {} queries in {} ms ({})", stickerIds.size(),
                    queries.size(), (System.nanoTime() - start) / 1_000_000, cache);
        }

        private static void unpack(Tensor tensor, List<String> keys, Map<String, float[]> into) {
            if (tensor == null || tensor.shape()[0] != keys.size()) {
                throw new IllegalStateException("the feature cache does not match the data; delete the checkpoint"
                        + " folder and start over");
            }
            int width = (int) tensor.shape()[1];
            for (int i = 0; i < keys.size(); i++) {
                float[] row = new float[width];
                System.arraycopy(tensor.data(), i * width, row, 0, width);
                into.put(keys.get(i), row);
            }
        }

        // -----------------------------------------------------------------------------------------------------
        // Validation

        /**
         * Scores the validation pairs with the current weights: those of the config's validation file for every
         * stage, otherwise the stage's own pairs (or query matches) among the held-out stickers.
         */
        Validation validate(StageData data, StickerImages stickers) {
            JniUtils.setGradMode(false);
            if (validationPairs != null) {
                return scorePairs(validationPairs, stickers);
            }
            List<String> ids = data.stickers().stream().filter(validation::contains).toList();
            if (data.stage().kind() == Kind.IMAGE_TEXT) {
                List<String> withQueries = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (String id : ids) {
                    List<String> queries = data.queriesOf(id);
                    if (!queries.isEmpty()) {
                        withQueries.add(id);
                        texts.add(queries.getFirst());
                    }
                }
                Map<String, float[]> image = embedImages(withQueries, stickers);
                Map<String, float[]> text = embedTexts(texts);
                int n = withQueries.size();
                double[] scores = new double[n * n];
                boolean[] labels = new boolean[n * n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        scores[i * n + j] = dot(image.get(withQueries.get(i)), text.get(texts.get(j)));
                        labels[i * n + j] = data.queriesOf(withQueries.get(i)).contains(texts.get(j));
                    }
                }
                return new Validation(PairAuc.auc(scores, labels), scores, labels);
            }
            return scorePairs(data.validationPairs(validation), stickers);
        }

        /** Returns the cosine of each pair's two image embeddings, with the labels and AUC. */
        private Validation scorePairs(List<Pair> pairs, StickerImages stickers) {
            Set<String> needed = new LinkedHashSet<>();
            for (Pair pair : pairs) {
                needed.add(pair.stickerId());
                needed.add(pair.stickerId2());
            }
            Map<String, float[]> image = embedImages(new ArrayList<>(needed), stickers);
            double[] scores = new double[pairs.size()];
            boolean[] labels = new boolean[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                scores[i] = dot(image.get(pairs.get(i).stickerId()), image.get(pairs.get(i).stickerId2()));
                labels[i] = pairs.get(i).similar();
            }
            return new Validation(PairAuc.auc(scores, labels), scores, labels);
        }

        /** Returns unit-length image embeddings by sticker id (evaluation preprocessing). */
        Map<String, float[]> embedImages(List<String> ids, StickerImages stickers) {
            Map<String, float[]> result = new HashMap<>();
            try (NDManager scope = manager.newSubManager()) {
                for (int from = 0; from < ids.size(); from += 32) {
                    List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 32));
                    NDArray features;
                    if (mode == Mode.HEAD && pooledImages != null && pooledImages.keySet().containsAll(chunk)) {
                        features = imageHead(chunk, scope);
                    } else {
                        int size = model.config().visionConfig().imageSize();
                        int plane = 3 * size * size;
                        float[] pixels = new float[chunk.size() * plane];
                        for (int i = 0; i < chunk.size(); i++) {
                            System.arraycopy(stickers.evaluationPixels(chunk.get(i)), 0, pixels, i * plane, plane);
                        }
                        features = model.imageFeatures(DjlArrays.owned(scope.create(pixels, new Shape(chunk.size(), 3, size, size))));
                    }
                    collect(chunk, ContrastiveLoss.normalize(features), result);
                }
            }
            return result;
        }

        private Map<String, float[]> embedTexts(List<String> texts) {
            Map<String, float[]> result = new HashMap<>();
            try (NDManager scope = manager.newSubManager()) {
                for (int from = 0; from < texts.size(); from += 64) {
                    List<String> chunk = texts.subList(from, Math.min(texts.size(), from + 64));
                    NDArray features = mode == Mode.HEAD && pooledTexts != null
                            && pooledTexts.keySet().containsAll(chunk)
                            ? head(chunk, pooledTexts, ClipKeys.TEXT_PROJECTION, scope)
                            : model.textFeatures(tokens(chunk, scope));
                    collect(chunk, ContrastiveLoss.normalize(features), result);
                }
            }
            return result;
        }

        private static void collect(List<String> keys, NDArray unit, Map<String, float[]> into) {
            float[] flat = unit.toFloatArray();
            int width = flat.length / keys.size();
            for (int i = 0; i < keys.size(); i++) {
                float[] row = new float[width];
                System.arraycopy(flat, i * width, row, 0, width);
                into.put(keys.get(i), row);
            }
        }
    }

    /** Validation scores (cosine similarities) with their labels and AUC. */
    record Validation(double auc, double[] scores, boolean[] labels) {}

    /**
     * Returns the parameters a stage trains. With an MLP image head, the head takes the place of
     * {@code visual_projection}, which then gets no gradient and is left as it is.
     */
    static Predicate<String> trainable(StageConfig stage, ClipConfig config) {
        boolean imageText = stage.kind() == Kind.IMAGE_TEXT;
        boolean mlp = config.visionHead() != null;
        Predicate<String> imageHead = key -> mlp ? key.startsWith(ClipKeys.VISION_HEAD)
                : key.equals(ClipKeys.VISUAL_PROJECTION);
        Predicate<String> selected = switch (stage.mode()) {
            case HEAD -> key -> imageHead.test(key)
                    || (imageText && (key.equals(ClipKeys.TEXT_PROJECTION) || key.equals(ClipKeys.LOGIT_SCALE)));
            case LAST_BLOCKS -> {
                Predicate<String> vision = DjlClipModel.visionTail(config, stage.lastBlocks(), true, imageText);
                yield key -> vision.test(key) || (imageText && key.equals(ClipKeys.TEXT_PROJECTION));
            }
            case ALL -> key -> imageText || key.startsWith(ClipKeys.VISION) || imageHead.test(key);
            case TEXT -> key -> key.startsWith(ClipKeys.TEXT) || key.equals(ClipKeys.TEXT_PROJECTION)
                    || key.equals(ClipKeys.LOGIT_SCALE);
        };
        return key -> !(mlp && key.equals(ClipKeys.VISUAL_PROJECTION)) && selected.test(key);
    }

    /** Returns a tensor of {@code shape} with values uniform in {@code [-bound, bound)}. */
    private static Tensor uniform(long[] shape, double bound, SplittableRandom random) {
        float[] data = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return new Tensor(shape, data);
    }

    /**
     * Scores the test pairs with the final weights when every test sticker is in the images folder of the
     * calibration stage, and records AUC and accuracy at {@code threshold} in the card; otherwise logs why not.
     */
    private void reportTest(Session session, StageData calibration, StickerImages stickers, double threshold,
            ObjectNode card) throws IOException {
        List<Pair> pairs = PairSet.read(config.test()).pairs();
        Set<String> ids = new LinkedHashSet<>();
        for (Pair pair : pairs) {
            ids.add(pair.stickerId());
            ids.add(pair.stickerId2());
        }
        Path folder = calibration.stage().images();
        List<String> missing = ids.stream().filter(id -> !Files.isRegularFile(folder.resolve(id))).toList();
        if (!missing.isEmpty()) {
            LOG.warn("Not scoring the test file {}: {} of its stickers are not in {} (for example {})", config.test(),
                    missing.size(), folder, missing.getFirst());
            return;
        }
        stickers.load(folder, ids);
        Map<String, float[]> embeddings = session.embedImages(new ArrayList<>(ids), stickers);
        double[] scores = new double[pairs.size()];
        boolean[] labels = new boolean[pairs.size()];
        int correct = 0;
        for (int i = 0; i < pairs.size(); i++) {
            scores[i] = dot(embeddings.get(pairs.get(i).stickerId()), embeddings.get(pairs.get(i).stickerId2()));
            labels[i] = pairs.get(i).similar();
            correct += (scores[i] >= threshold) == labels[i] ? 1 : 0;
        }
        double auc = PairAuc.auc(scores, labels);
        ObjectNode test = card.putObject("test");
        test.put("pairs", pairs.size());
        test.put("auc", Double.isNaN(auc) ? null : auc);
        test.put("accuracy_at_threshold", Double.isNaN(threshold) ? null : correct / (double) pairs.size());
        LOG.info("Test file {}: AUC {}, accuracy at the threshold {} on {} pairs", config.test(), fmt(auc),
                fmt(correct / (double) pairs.size()), pairs.size());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Model card

    /**
     * Returns a path as the card records it: relative to the config file's folder, as the config wrote it, so that a
     * bundle does not carry the folders of the machine it was trained on. Absolute when the config was parsed from
     * text or the path cannot be made relative (another file system root).
     */
    private String cardPath(Path path) {
        if (config.source() == null) {
            return path.toString();
        }
        Path folder = config.source().toAbsolutePath().getParent();
        try {
            return folder.relativize(path.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return path.toAbsolutePath().toString();
        }
    }

    private ObjectNode card(Base base, List<StageData> data, ArrayNode stages, Validation validation,
            double[] threshold, double seconds) throws IOException {
        ObjectNode card = JSON.createObjectNode();
        card.put("base_model", config.base().model() != null ? cardPath(config.base().model())
                : config.base().describe());
        Path baseModel = config.base().model();
        if (baseModel != null && Files.isDirectory(baseModel)) {
            baseModel = baseModel.resolve("model.safetensors");
        }
        if (baseModel != null && Files.isRegularFile(baseModel)) {
            card.put("base_model_sha256", StickerEmbedder.sha256(baseModel));
        }
        Path baseFolder = config.base().model();
        if (baseFolder != null && Files.isRegularFile(baseFolder.resolve(ModelBundle.CARD))) {
            // The base is a bundle of an earlier run: its card travels along, so the chain of runs stays readable.
            card.set("base_card", ModelBundle.readCard(baseFolder));
        }
        card.put("architecture", ClipCheckpoint.describe(base.weights().config()));
        card.put("seed", config.seed());
        if (config.validation() != null) {
            card.put("validation_file", cardPath(config.validation()));
            card.put("validation_file_sha256", StickerEmbedder.sha256(config.validation()));
        } else {
            card.put("validation_fraction", config.validationFraction());
        }
        card.set("stages", stages);
        if (Double.isNaN(threshold[0])) {
            LOG.warn("No validation pairs to choose the threshold on; the card records threshold null."
                    + " Raise validation_fraction or add labelled pairs.");
            card.putNull("threshold");
        } else {
            card.put("threshold", threshold[0]);
        }
        ObjectNode metrics = card.putObject("validation");
        metrics.put("pairs", validation.scores().length);
        metrics.put("auc", Double.isNaN(validation.auc()) ? null : validation.auc());
        metrics.put("accuracy_at_threshold", Double.isNaN(threshold[1]) ? null : threshold[1]);
        metrics.put("threshold_from", config.validation() != null ? "validation file pairs"
                : data.getLast().stage().kind() == Kind.IMAGE_TEXT
                && data.stream().noneMatch(d -> d.stage().kind() == Kind.IMAGE_IMAGE)
                ? "image-text validation pairs" : "image-image validation pairs");
        if (config.test() != null) {
            card.put("test_file", cardPath(config.test()));
            card.put("test_file_sha256", StickerEmbedder.sha256(config.test()));
        }
        card.put("training_seconds", Math.round(seconds * 10) / 10.0);
        String version = Trainer.class.getPackage().getImplementationVersion();
        card.put("gse_version", version == null ? "development build" : version);
        card.put("created", Instant.now().toString());
        return card;
    }

    private ObjectNode stageSummary(StageData data, int epochsRun, int bestEpoch, double bestAuc, ArrayNode history)
            throws IOException {
        StageConfig stage = data.stage();
        ObjectNode node = JSON.createObjectNode();
        node.put("name", stage.name()).put("kind", stage.kind().id).put("train", stage.modeText());
        node.put("data", cardPath(stage.data())).put("data_sha256", StickerEmbedder.sha256(stage.data()));
        node.put("images", cardPath(stage.images()));
        node.put("epochs", epochsRun);
        if (bestEpoch >= 0) {
            node.put("best_epoch", bestEpoch + 1);
        } else {
            node.putNull("best_epoch");
        }
        node.put("validation_auc", Double.isNaN(bestAuc) ? null : bestAuc);
        node.put("batch_size", stage.batchSize()).put("accumulation_steps", stage.accumulationSteps())
                .put("learning_rate", stage.learningRate()).put("weight_decay", stage.weightDecay());
        if (stage.kind() == Kind.IMAGE_IMAGE) {
            node.put("loss", stage.loss().name().toLowerCase(Locale.ROOT));
        }
        node.set("history", history.deepCopy());
        return node;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** Returns the training time of earlier runs plus this one, in seconds. */
    private double elapsed() {
        return earlierSeconds + (System.nanoTime() - runStartNanos) / 1e9;
    }

    private String configHash() throws IOException {
        byte[] bytes = config.source() != null && Files.isRegularFile(config.source())
                ? Files.readAllBytes(config.source()) : config.toString().getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private void deleteCheckpoint() throws IOException {
        if (!Files.isDirectory(checkpointFolder)) {
            return;
        }
        try (var files = Files.list(checkpointFolder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(checkpointFolder);
    }

    /** Returns a {@code (rows, columns)} matrix with ones on the diagonal: an identity padded with zero rows. */
    private static Tensor identity(int rows, int columns) {
        float[] data = new float[rows * columns];
        for (int i = 0; i < Math.min(rows, columns); i++) {
            data[i * columns + i] = 1;
        }
        return new Tensor(new long[] {rows, columns}, data);
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Mixes several values into one seed (SplitMix64's finaliser after each value). */
    static long mix(long... values) {
        long h = 0x9E3779B97F4A7C15L;
        for (long value : values) {
            h ^= value;
            h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
            h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
        }
        return h;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * (double) b[i];
        }
        return sum;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
