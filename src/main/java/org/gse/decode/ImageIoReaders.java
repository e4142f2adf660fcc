package org.gse.decode;

import java.io.ByteArrayInputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Picks the ImageIO reader each raster decoder relies on, so a plugin added to the class path later cannot silently
 * take over: the JDK's own PNG and GIF readers, and TwelveMonkeys' JPEG reader, which handles CMYK and YCCK.
 */
final class ImageIoReaders {

    private static final String JDK_PLUGINS = "com.sun.imageio.plugins.";
    private static final String TWELVEMONKEYS_PLUGINS = "com.twelvemonkeys.imageio.plugins.";

    private static volatile boolean scanned;

    private ImageIoReaders() {}

    /** Returns a new JDK PNG reader. */
    static ImageReader png() {
        return find("png", JDK_PLUGINS, false);
    }

    /** Returns a new JDK GIF reader. */
    static ImageReader gif() {
        return find("gif", JDK_PLUGINS, false);
    }

    /** Returns a new TwelveMonkeys JPEG reader, or null when that plugin is not on the class path. */
    static ImageReader twelveMonkeysJpeg() {
        return find("jpeg", TWELVEMONKEYS_PLUGINS, true);
    }

    /** Wraps bytes in an in-memory stream, so ImageIO never creates a cache file. */
    static ImageInputStream stream(byte[] bytes) {
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
    }

    /**
     * Returns a reader for the format whose class is in the preferred package. Registration happens through the
     * service loader of the class loader that first touched ImageIO; when the reader is missing (an application
     * server with another context class loader, for example), the class path is scanned once and the search repeated.
     */
    private static ImageReader find(String format, String preferredPackage, boolean requirePreferred) {
        ImageReader reader = search(format, preferredPackage);
        if (reader == null && !scanned) {
            synchronized (ImageIoReaders.class) {
                if (!scanned) {
                    ImageIO.scanForPlugins();
                    scanned = true;
                }
            }
            reader = search(format, preferredPackage);
        }
        if (reader == null && !requirePreferred) {
            Iterator<ImageReader> any = ImageIO.getImageReadersByFormatName(format);
            reader = any.hasNext() ? any.next() : null;
        }
        return reader;
    }

    private static ImageReader search(String format, String preferredPackage) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        ImageReader found = null;
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (found == null && reader.getClass().getName().startsWith(preferredPackage)) {
                found = reader;
            } else {
                reader.dispose();
            }
        }
        return found;
    }
}
