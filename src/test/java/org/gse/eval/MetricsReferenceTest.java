package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.gse.TestData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the metrics against the values that scikit-learn and numpy computed in {@code tools/metrics_reference.py}
 * (stored in {@code src/test/resources/eval/}), to 1e-9. A null reference value means NaN.
 */
class MetricsReferenceTest {

    private static final double TOLERANCE = 1e-9;

    private static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(TestData.resource("eval/metrics_reference.json").toFile());
    }

    record ScoreSet(double[] scores, int[] labels) {}

    static ScoreSet readSet(String file) throws IOException {
        List<String> lines = Files.readAllLines(TestData.resource("eval").resolve(file), StandardCharsets.UTF_8);
        double[] scores = new double[lines.size() - 1];
        int[] labels = new int[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(",");
            scores[i - 1] = Double.parseDouble(parts[0]);
            labels[i - 1] = Integer.parseInt(parts[1]);
        }
        return new ScoreSet(scores, labels);
    }

    static void assertClose(JsonNode expected, double actual, String what) {
        if (expected == null || expected.isNull()) {
            assertTrue(Double.isNaN(actual), what + ": expected NaN (undefined), got " + actual);
        } else {
            assertEquals(expected.asDouble(), actual, TOLERANCE, what);
        }
    }

    @TestFactory
    Stream<DynamicTest> scoreSetsAgreeWithSklearn() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode set : reference().get("sets")) {
            String name = set.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                ScoreSet data = readSet(set.get("file").asText());
                for (JsonNode at : set.get("at_threshold")) {
                    double t = at.get("threshold").asDouble();
                    Metrics.Confusion c = Metrics.confusion(data.scores(), data.labels(), t);
                    assertClose(at.get("accuracy"), c.accuracy(), name + " accuracy at " + t);
                    assertClose(at.get("precision"), c.precision(), name + " precision at " + t);
                    assertClose(at.get("recall"), c.recall(), name + " recall at " + t);
                    assertClose(at.get("f1"), c.f1(), name + " f1 at " + t);
                    assertClose(at.get("f1"), Metrics.f1(data.scores(), data.labels(), t), name + " f1 at " + t);
                }
                assertClose(set.get("roc_auc"), Metrics.rocAuc(data.scores(), data.labels()), name + " roc_auc");
                assertClose(set.get("average_precision"), Metrics.averagePrecision(data.scores(), data.labels()),
                        name + " average_precision");
                Threshold.Choice choice = Threshold.maxAccuracy(data.scores(), data.labels());
                assertEquals(set.get("max_accuracy").get("threshold").asDouble(), choice.threshold(), 0,
                        name + " max-accuracy threshold");
                assertClose(set.get("max_accuracy").get("accuracy"), choice.trainValue(), name + " max accuracy");
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> deLongAgreesWithPlainNumpyImplementation() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : reference().get("delong")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                double[] a = toDoubles(c.get("scores_a"));
                double[] b = toDoubles(c.get("scores_b"));
                int[] y = toInts(c.get("labels"));
                DeLong.Result r = DeLong.compare(a, b, y);
                assertClose(c.get("auc_a"), r.aucA(), name + " auc_a");
                assertClose(c.get("auc_b"), r.aucB(), name + " auc_b");
                assertClose(c.get("auc_a"), Metrics.rocAuc(a, y), name + " auc_a (Metrics)");
                assertClose(c.get("variance_a"), r.varianceA(), name + " variance_a");
                assertClose(c.get("variance_b"), r.varianceB(), name + " variance_b");
                assertClose(c.get("covariance"), r.covariance(), name + " covariance");
                assertClose(c.get("z"), r.z(), name + " z");
                assertClose(c.get("p_value"), r.pValue(), name + " p");
            }));
        }
        return tests.stream();
    }

    @Test
    void erfcAgreesWithPythonMath() throws IOException {
        for (JsonNode e : reference().get("erfc")) {
            double x = e.get("x").asDouble();
            double expected = e.get("erfc").asDouble();
            assertEquals(expected, Normal.erfc(x), Math.max(1e-15, expected * 1e-12), "erfc(" + x + ")");
        }
    }

    private static double[] toDoubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    private static int[] toInts(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    @Test
    void referenceFilesExist() {
        Path dir = TestData.resource("eval");
        assertTrue(Files.isRegularFile(dir.resolve("metrics_reference.json")), "run tools/metrics_reference.py");
    }
}
