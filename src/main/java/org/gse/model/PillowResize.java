package org.gse.model;

import java.util.Locale;

/**
 * Pillow's {@code Image.resize} for 8-bit RGB images, reproduced bit for bit: Hugging Face's CLIP image processor
 * resizes with PIL, so an encoder that must match it has to resample exactly as Pillow does.
 *
 * <p>Pillow ({@code src/libImaging/Resample.c}; verified against Debian's python3-pil 9.4.0 by the tests) resizes
 * with a separable convolution, the horizontal pass first, then the vertical one:
 *
 * <ol>
 *   <li>For each output column (then row) the filter is centred at {@code (i + 0.5) * scale} in input
 *       coordinates, {@code scale = in / out}. When downscaling the kernel is stretched by {@code scale}, so its
 *       support grows (this is the antialiasing); when upscaling it keeps its natural support.
 *   <li>The taps cover input pixels {@code [(int)(centre - support + 0.5), (int)(centre + support + 0.5))},
 *       clamped to the image; weights are {@code filter((j - centre + 0.5) / max(scale, 1))}, normalised so that
 *       they sum to one (in double precision).
 *   <li>For 8-bit images the weights become fixed point with {@value #PRECISION_BITS} fractional bits, rounded
 *       half away from zero; each output sample is the integer sum of sample times weight, started at half a unit,
 *       shifted right and clamped to 0..255. The intermediate image between the two passes is 8-bit too.
 *   <li>A pass whose size does not change is skipped; the horizontal pass only computes the input rows that the
 *       vertical pass will read.
 * </ol>
 *
 * <p>Supported filters, with Pillow's numbering (the {@code resample} field of a preprocessor config):
 * {@link Filter#LANCZOS} (1), {@link Filter#BILINEAR} (2), {@link Filter#BICUBIC} (3, cubic convolution with
 * a = -0.5, CLIP's), {@link Filter#BOX} (4) and {@link Filter#HAMMING} (5). NOTE: nearest neighbour (0) is not
 * supported: Pillow does it with an affine transform, not this convolution, and no CLIP model uses it.
 */
public final class PillowResize {

    /** Fractional bits of the fixed-point weights: 32 - 8 - 2, leaving room for overshoot and the sign. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResize() {}

    /** A resampling filter: its kernel and support radius in input pixels at scale 1. */
    public enum Filter {
        LANCZOS(1, 3.0),
        BILINEAR(2, 1.0),
        BICUBIC(3, 2.0),
        BOX(4, 0.5),
        HAMMING(5, 1.0);

        private final int pilValue;
        private final double support;

        Filter(int pilValue, double support) {
            this.pilValue = pilValue;
            this.support = support;
        }

        /** Returns Pillow's number for this filter, as stored in {@code resample}. */
        public int pilValue() {
            return pilValue;
        }

        /** Returns the filter with Pillow's number {@code value}. */
        public static Filter fromPil(int value) {
            for (Filter filter : values()) {
                if (filter.pilValue == value) {
                    return filter;
                }
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "resample %d is not supported; expected 1 (lanczos), 2 (bilinear), 3 (bicubic), 4 (box) or"
                            + " 5 (hamming)%s", value, value == 0 ? " (nearest neighbour is not implemented)" : ""));
        }

        double weight(double x) {
            return switch (this) {
                case BOX -> (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
                case BILINEAR -> bilinear(x);
                case BICUBIC -> bicubic(x);
                case HAMMING -> hamming(x);
                case LANCZOS -> (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0;
            };
        }

        private static double bilinear(double x) {
            double ax = Math.abs(x);
            return ax < 1.0 ? 1.0 - ax : 0.0;
        }

        /** Keys' cubic convolution with a = -0.5, in Pillow's operation order. */
        private static double bicubic(double x) {
            final double a = -0.5;
            double ax = Math.abs(x);
            if (ax < 1.0) {
                return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
            }
            if (ax < 2.0) {
                return (((ax - 5) * ax + 8) * ax - 4) * a;
            }
            return 0.0;
        }

        private static double hamming(double x) {
            double ax = Math.abs(x);
            if (ax == 0.0) {
                return 1.0;
            }
            if (ax >= 1.0) {
                return 0.0;
            }
            double px = ax * Math.PI;
            // NOTE: Pillow calls glibc's sin and cos; StrictMath (fdlibm) could differ in the last bit, which would
            // move a fixed-point weight only at a rounding tie. The sweeps against Pillow 9.4.0 found no difference.
            // Pillow writes the window's constants as C floats; Java widens them the same way.
            return StrictMath.sin(px) / px * (0.54f + 0.46f * StrictMath.cos(px));
        }

        private static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            double px = x * Math.PI;
            return StrictMath.sin(px) / px;
        }
    }

    /**
     * The taps of one pass: for output index {@code i}, input indices {@code first[i] .. first[i] + count[i] - 1}
     * with fixed-point weights {@code weights[i * kernelSize + j]}.
     */
    record Taps(int kernelSize, int[] first, int[] count, int[] weights) {}

    /**
     * Resizes {@code image} to {@code width x height}, exactly as Pillow's
     * {@code Image.resize((width, height), resample, reducing_gap=None)} does for an "RGB" image.
     */
    public static RgbImage resize(RgbImage image, int width, int height, Filter filter) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        boolean horizontal = width != image.width();
        boolean vertical = height != image.height();
        if (!horizontal && !vertical) {
            return image;
        }

        // 1. Vertical taps first: they tell which input rows the horizontal pass must produce.
        Taps rows = taps(image.height(), height, filter);
        int firstRow = rows.first()[0];
        int lastRow = rows.first()[height - 1] + rows.count()[height - 1];

        // 2. Horizontal pass over rows firstRow..lastRow-1 only.
        RgbImage current = image;
        int rowOffset = 0;
        if (horizontal) {
            Taps columns = taps(image.width(), width, filter);
            current = horizontalPass(image, columns, firstRow, lastRow - firstRow);
            rowOffset = firstRow;
        }

        // 3. Vertical pass, with row indices shifted into the intermediate image.
        if (vertical) {
            current = verticalPass(current, rows, rowOffset);
        }
        return current;
    }

    /** Computes one pass's taps as Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc} do. */
    static Taps taps(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int kernelSize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * kernelSize];
        double[] k = new double[kernelSize];
        double inverseScale = 1.0 / filterScale;
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            int min = Math.max((int) (center - support + 0.5), 0);
            int max = Math.min((int) (center + support + 0.5), inSize) - min;
            double sum = 0.0;
            for (int j = 0; j < max; j++) {
                double w = filter.weight((j + min - center + 0.5) * inverseScale);
                k[j] = w;
                sum += w;
            }
            for (int j = 0; j < max; j++) {
                double normalised = sum != 0.0 ? k[j] / sum : k[j];
                weights[i * kernelSize + j] = toFixedPoint(normalised);
            }
            first[i] = min;
            count[i] = max;
        }
        return new Taps(kernelSize, first, count, weights);
    }

    private static int toFixedPoint(double weight) {
        double scaled = weight * (1 << PRECISION_BITS);
        return (int) (weight < 0 ? scaled - 0.5 : scaled + 0.5);
    }

    private static RgbImage horizontalPass(RgbImage in, Taps taps, int firstRow, int rowCount) {
        int outWidth = taps.first().length;
        byte[] src = in.rgb();
        byte[] dst = new byte[outWidth * rowCount * 3];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < rowCount; y++) {
            int srcRow = (y + firstRow) * in.width() * 3;
            int dstRow = y * outWidth * 3;
            for (int x = 0; x < outWidth; x++) {
                int base = x * taps.kernelSize();
                int r = half;
                int g = half;
                int b = half;
                int p = srcRow + taps.first()[x] * 3;
                for (int j = 0; j < taps.count()[x]; j++, p += 3) {
                    int w = taps.weights()[base + j];
                    r += (src[p] & 0xFF) * w;
                    g += (src[p + 1] & 0xFF) * w;
                    b += (src[p + 2] & 0xFF) * w;
                }
                int o = dstRow + x * 3;
                dst[o] = clip8(r);
                dst[o + 1] = clip8(g);
                dst[o + 2] = clip8(b);
            }
        }
        return new RgbImage(outWidth, rowCount, dst);
    }

    private static RgbImage verticalPass(RgbImage in, Taps taps, int rowOffset) {
        int outHeight = taps.first().length;
        int width = in.width();
        byte[] src = in.rgb();
        byte[] dst = new byte[width * outHeight * 3];
        int half = 1 << (PRECISION_BITS - 1);
        int stride = width * 3;
        for (int y = 0; y < outHeight; y++) {
            int base = y * taps.kernelSize();
            int firstRow = taps.first()[y] - rowOffset;
            int count = taps.count()[y];
            for (int x = 0; x < width; x++) {
                int r = half;
                int g = half;
                int b = half;
                int p = firstRow * stride + x * 3;
                for (int j = 0; j < count; j++, p += stride) {
                    int w = taps.weights()[base + j];
                    r += (src[p] & 0xFF) * w;
                    g += (src[p + 1] & 0xFF) * w;
                    b += (src[p + 2] & 0xFF) * w;
                }
                int o = (y * width + x) * 3;
                dst[o] = clip8(r);
                dst[o + 1] = clip8(g);
                dst[o + 2] = clip8(b);
            }
        }
        return new RgbImage(width, outHeight, dst);
    }

    /** Drops the fractional bits (an arithmetic shift, i.e. floor) and clamps to 0..255. */
    private static byte clip8(int value) {
        int v = value >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
