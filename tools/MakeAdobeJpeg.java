import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.File;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Writes a 32x24 four-component JPEG with an Adobe APP14 marker, as Photoshop writes CMYK files, using the JDK's
 * JPEG writer. Run as {@code java tools/MakeAdobeJpeg.java TRANSFORM OUTPUT}: transform 0 stores the four
 * components as inverted CMYK, transform 2 as YCCK. The writer stores the raster's samples as they are, so the
 * samples below are chosen per transform to give mid-range colours; ImageMagick renders the reference.
 */
public final class MakeAdobeJpeg {

    public static void main(String[] args) throws Exception {
        int transform = Integer.parseInt(args[0]);
        int width = 32;
        int height = 24;
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] samples = transform == 2
                        ? new int[] {140 + x * 3, 100 + x * 2, 90 + y * 4, 235}
                        : new int[] {255 - x * 6, 255 - y * 8, 128 + x * 3, 240};
                raster.setPixel(x, y, samples);
            }
        }

        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        // The default metadata of a 4-channel image has a 4-component SOF; JFIF is replaced by Adobe APP14.
        IIOMetadata metadata = writer.getDefaultImageMetadata(
                ImageTypeSpecifier.createFromRenderedImage(new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB)), param);
        String format = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
        NodeList jfif = root.getElementsByTagName("app0JFIF");
        if (jfif.getLength() > 0) {
            jfif.item(0).getParentNode().removeChild(jfif.item(0));
        }
        IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
        adobe.setAttribute("version", "100");
        adobe.setAttribute("flags0", "0");
        adobe.setAttribute("flags1", "0");
        adobe.setAttribute("transform", Integer.toString(transform));
        Node markers = root.getElementsByTagName("markerSequence").item(0);
        markers.insertBefore(adobe, markers.getFirstChild());
        metadata.setFromTree(format, root);

        try (ImageOutputStream out = ImageIO.createImageOutputStream(new File(args[1]))) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        }
        writer.dispose();
    }
}
