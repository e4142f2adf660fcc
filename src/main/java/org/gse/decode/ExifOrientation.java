package org.gse.decode;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.stream.ImageInputStream;

/**
 * The EXIF Orientation tag (TIFF tag 274) of a JPEG, and the transform that shows the stored frame upright.
 *
 * <p>The values, each with the transform that turns the stored image upright:
 * <ol>
 *   <li>as stored
 *   <li>mirror left to right
 *   <li>rotate 180 degrees
 *   <li>mirror top to bottom
 *   <li>transpose (mirror about the top-left to bottom-right diagonal)
 *   <li>rotate 90 degrees clockwise
 *   <li>transverse (mirror about the top-right to bottom-left diagonal)
 *   <li>rotate 90 degrees counter-clockwise
 * </ol>
 * Orientations 5 to 8 swap width and height. The tests check all eight against Pillow 9.4's
 * {@code ImageOps.exif_transpose}.
 *
 * <p>The tag is read from the first APP1 segment with the {@code Exif} identifier, in IFD0 only (the thumbnail's
 * IFD1 is ignored), through TwelveMonkeys' segment and TIFF readers.
 */
final class ExifOrientation {

    /** Orientation 1: the stored rows and columns are already upright. */
    static final int AS_STORED = 1;

    private ExifOrientation() {}

    /**
     * Reads the orientation of a JPEG whose image data has already been decoded. A value outside 1..8, a tag that
     * is not an integer, or an Exif segment that the metadata readers reject with an {@link IOException} or a
     * {@link RuntimeException} adds a warning and returns {@link #AS_STORED} instead of failing the decode.
     *
     * @param jpeg the whole JPEG file
     * @param warnings list to which a warning is added when the tag or its segment is invalid
     * @return the orientation, 1 to 8; 1 when the file has no Exif segment or no Orientation tag
     */
    static int read(byte[] jpeg, List<String> warnings) {
        Entry entry;
        try {
            entry = readOrientationEntry(jpeg);
        } catch (IOException | RuntimeException e) {
            warnings.add("unreadable EXIF block ignored, orientation not applied: " + PngImage.describe(e));
            return AS_STORED;
        }

        if (entry == null) {
            return AS_STORED;
        }
        if (!isValid(entry.getValue())) {
            warnings.add("EXIF orientation " + entry.getValueAsString()
                    + " is not an integer from 1 to 8; the image is decoded as stored");
            return AS_STORED;
        }
        return ((Number) entry.getValue()).intValue();
    }

    /** Returns true for an integer from 1 to 8, of any TIFF integer type; a RATIONAL such as 13/2 is invalid. */
    private static boolean isValid(Object value) {
        return value instanceof Number number && number.doubleValue() == number.longValue()
                && number.longValue() >= 1 && number.longValue() <= 8;
    }

    /** Returns the Orientation entry of IFD0, or null when there is no Exif segment or no such tag. */
    private static Entry readOrientationEntry(byte[] jpeg) throws IOException {
        List<JPEGSegment> segments;
        try (ImageInputStream stream = ImageIoReaders.stream(jpeg)) {
            segments = JPEGSegmentUtil.readSegments(stream, JPEG.APP1, "Exif");
        }
        if (segments.isEmpty()) {
            return null;
        }

        // data() starts after the identifier's terminating zero. The Exif identifier has a second zero byte before
        // the TIFF header ("Exif\0\0"), and a segment without it is read from its first byte.
        byte[] payload;
        try (InputStream data = segments.getFirst().data()) {
            payload = data.readAllBytes();
        }
        int tiffStart = payload.length > 0 && payload[0] == 0 ? 1 : 0;

        // The TIFF reader compares offsets with the stream's length, which a MemoryCacheImageInputStream does not
        // report, so the segment gets a stream of known length.
        Directory directory;
        try (ImageInputStream tiff = new ByteArrayImageInputStream(payload, tiffStart, payload.length - tiffStart)) {
            directory = new TIFFReader().read(tiff);
        }
        if (directory instanceof CompoundDirectory linked) {
            if (linked.directoryCount() == 0) {
                throw new IOException("the Exif TIFF block has no readable IFD0");
            }
            directory = linked.getDirectory(0);
        }
        return directory.getEntryById(TIFF.TAG_ORIENTATION);
    }

    /** Returns true when the orientation swaps width and height (5 to 8). */
    static boolean swapsAxes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /**
     * Returns the frame turned upright for an orientation from 1 to 8, or the same frame for 1.
     *
     * @throws IllegalArgumentException when the orientation is outside 1..8
     */
    static Frame apply(int orientation, Frame frame) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1 to 8, got " + orientation);
        }
        if (orientation == AS_STORED) {
            return frame;
        }

        int width = frame.width();
        int height = frame.height();
        int[] source = frame.argb();
        int outputWidth = swapsAxes(orientation) ? height : width;
        int outputHeight = swapsAxes(orientation) ? width : height;

        int lastColumn = width - 1;
        int lastRowStart = (height - 1) * width;
        Walk walk = switch (orientation) {
            case 2 -> new Walk(lastColumn, -1, width);
            case 3 -> new Walk(lastRowStart + lastColumn, -1, -width);
            case 4 -> new Walk(lastRowStart, 1, -width);
            case 5 -> new Walk(0, width, 1);
            case 6 -> new Walk(lastRowStart, -width, 1);
            case 7 -> new Walk(lastRowStart + lastColumn, -width, -1);
            default -> new Walk(lastColumn, width, -1); // 8
        };

        int[] output = new int[source.length];
        for (int y = 0; y < outputHeight; y++) {
            int rowStart = walk.start() + y * walk.stepY();
            int outputRow = y * outputWidth;
            for (int x = 0; x < outputWidth; x++) {
                output[outputRow + x] = source[rowStart + x * walk.stepX()];
            }
        }
        return new Frame(outputWidth, outputHeight, output, frame.durationMs());
    }

    /**
     * The stored pixels in output order: output pixel (x, y) is stored at index {@code start + x * stepX + y * stepY},
     * so the walk begins at the stored pixel that becomes the top-left corner.
     */
    private record Walk(int start, int stepX, int stepY) {}
}
