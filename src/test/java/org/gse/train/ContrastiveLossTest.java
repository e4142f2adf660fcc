package org.gse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The losses against values computed by hand, and their gradients against finite differences. */
class ContrastiveLossTest {

    /** Three unit vectors at known angles: cos(a_i, t_j) is read off the table below. */
    private static final float[] IMAGES = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    private static final float[] TEXTS = {2, 0, 0, 0, 3, 4, 0, 0, 5};   // rows normalise to e1, (0,.6,.8), e3

    @Test
    void clipLossMatchesHandComputedValue() {
        // cos matrix C (rows images, columns texts): [[1,0,0],[0,.6,0],[0,.8,1]], scale exp(ln 2) = 2.
        double[][] logits = {{2, 0, 0}, {0, 1.2, 0}, {0, 1.6, 2}};
        double rows = 0;
        double columns = 0;
        for (int i = 0; i < 3; i++) {
            double rowSum = 0;
            double columnSum = 0;
            for (int j = 0; j < 3; j++) {
                rowSum += Math.exp(logits[i][j]);
                columnSum += Math.exp(logits[j][i]);
            }
            rows += Math.log(rowSum) - logits[i][i];
            columns += Math.log(columnSum) - logits[i][i];
        }
        double expected = (rows / 3 + columns / 3) / 2;

        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray images = manager.create(IMAGES, new Shape(3, 3));
            NDArray texts = manager.create(TEXTS, new Shape(3, 3));
            NDArray logitScale = manager.create((float) Math.log(2));
            float loss = ContrastiveLoss.clip(images, texts, logitScale).getFloat();
            assertEquals(expected, loss, 1e-6, "CLIP loss on the 3x3 example");
        }
    }

    @Test
    void infoNceWithHardNegativeMatchesHandValue() {
        // Anchors = IMAGES, positives = TEXTS, one hard negative column e2 = (0,1,0), temperature 0.5.
        double[][] anchorLogits = {{2, 0, 0, 0}, {0, 1.2, 0, 2}, {0, 1.6, 2, 0}};
        double[][] positiveLogits = {{2, 0, 0}, {0, 1.2, 1.6}, {0, 0, 2}};
        double a = 0;
        double p = 0;
        for (int i = 0; i < 3; i++) {
            double sa = 0;
            for (double v : anchorLogits[i]) {
                sa += Math.exp(v);
            }
            double sp = 0;
            for (double v : positiveLogits[i]) {
                sp += Math.exp(v);
            }
            a += Math.log(sa) - anchorLogits[i][i];
            p += Math.log(sp) - positiveLogits[i][i];
        }
        double expected = (a / 3 + p / 3) / 2;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray anchors = manager.create(IMAGES, new Shape(3, 3));
            NDArray positives = manager.create(TEXTS, new Shape(3, 3));
            NDArray hard = manager.create(new float[] {0, 1, 0}, new Shape(1, 3));
            float loss = ContrastiveLoss.infoNce(anchors, positives, hard, 0.5).getFloat();
            assertEquals(expected, loss, 1e-6, "image-image InfoNCE with a hard negative");
        }
    }

    @Test
    void marginLossMatchesHandValue() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray first = manager.create(IMAGES, new Shape(3, 3));
            NDArray second = manager.create(TEXTS, new Shape(3, 3));
            NDArray labels = manager.create(new float[] {1, 1, 0});
            // cosines 1, .6, 1: (1-1)^2, (1-.6)^2, max(0, 1-.5)^2
            double expected = (0 + 0.16 + 0.25) / 3;
            assertEquals(expected, ContrastiveLoss.margin(first, second, labels, 0.5).getFloat(), 1e-6);
        }
    }

    @Test
    void supervisedLossMatchesHandValue() {
        // Rows e1, (0,.6,.8), e3 and e1 again, groups {0, 3} and {1, 2}, temperature 0.5: logits are 2 * cosine.
        float[] rows = {1, 0, 0, 0, 3, 4, 0, 0, 5, 2, 0, 0};
        double[][] cos = {{1, 0, 0, 1}, {0, 1, 0.8, 0}, {0, 0.8, 1, 0}, {1, 0, 0, 1}};
        int[] groups = {0, 1, 1, 0};
        double total = 0;
        for (int i = 0; i < 4; i++) {
            double denominator = 0;
            for (int j = 0; j < 4; j++) {
                denominator += j == i ? 0 : Math.exp(2 * cos[i][j]);
            }
            int partner = 3 - i;   // the one other member of each group: 0 with 3, 1 with 2
            total += Math.log(denominator) - 2 * cos[i][partner];
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray features = manager.create(rows, new Shape(4, 3));
            float loss = ContrastiveLoss.supervised(features, groups, 0.5).getFloat();
            assertEquals(total / 4, loss, 1e-6, "supervised contrastive loss on the 4x3 example");
        }
    }

    @Test
    void supervisedLossAveragesOverSeveralPositives() {
        // Rows 0-2 are e1 in group 5 (two positives each at cosine 1), rows 3-4 are e2 in group 7 (one positive).
        float[] rows = {1, 0, 1, 0, 1, 0, 0, 1, 0, 1};
        double first = Math.log(2 * Math.E + 2) - 1;      // other rows: e^1, e^1, e^0, e^0; both positives at 1
        double second = Math.log(3 + Math.E) - 1;         // other rows: e^0 three times, e^1 once, the positive
        double expected = (3 * first + 2 * second) / 5;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray features = manager.create(rows, new Shape(5, 2));
            float loss = ContrastiveLoss.supervised(features, new int[] {5, 5, 5, 7, 7}, 1.0).getFloat();
            assertEquals(expected, loss, 1e-6, "mean over two positives per row in group 5");
        }
    }

    @Test
    void supervisedLossRejectsAStickerWithoutItsGroup() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray features = manager.create(new float[] {1, 0, 1, 0, 0, 1}, new Shape(3, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ContrastiveLoss.supervised(features, new int[] {5, 5, 7}, 1.0));
            assertTrue(e.getMessage().contains("group 7"), e.getMessage());
        }
    }

    @Test
    void headGradientMatchesFiniteDifferences() {
        // The head: features (B, D) times a projection W^T (D, P), then the CLIP loss with logit_scale.
        int b = 4;
        int d = 5;
        int p = 3;
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        float[] imageRows = new float[b * d];
        float[] textRows = new float[b * p];
        float[] weight = new float[p * d];
        for (int i = 0; i < imageRows.length; i++) {
            imageRows[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < textRows.length; i++) {
            textRows[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) random.nextGaussian();
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray features = manager.create(imageRows, new Shape(b, d)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
            NDArray texts = manager.create(textRows, new Shape(b, p)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
            NDArray scale = manager.create(Math.log(3.0));
            NDArray w = manager.create(weight, new Shape(p, d)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
            w.setRequiresGradient(true);
            double[] analytic;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = ContrastiveLoss.clip(features.matMul(w.transpose()), texts, scale);
                collector.backward(loss);
            }
            analytic = w.getGradient().toDoubleArray();
            JniUtils.setGradMode(false);

            double[] values = w.toDoubleArray();
            double h = 1e-6;
            double worst = 0;
            for (int i = 0; i < values.length; i++) {
                double[] plus = values.clone();
                double[] minus = values.clone();
                plus[i] += h;
                minus[i] -= h;
                double lossPlus = ContrastiveLoss.clip(features.matMul(manager.create(plus, new Shape(p, d)).transpose()),
                        texts, scale).getDouble();
                double lossMinus = ContrastiveLoss.clip(features.matMul(manager.create(minus, new Shape(p, d)).transpose()),
                        texts, scale).getDouble();
                double numeric = (lossPlus - lossMinus) / (2 * h);
                worst = Math.max(worst, Math.abs(numeric - analytic[i]));
            }
            assertTrue(worst < 1e-7, "largest gradient difference " + worst + " (float64, central differences)");
        }
    }
}
