package org.gse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLocatorTest {

    @Test
    void findsTheIdThenTheSavedJpegFrame(@TempDir Path dir) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.write(images.resolve("1.png"), new byte[] {1});
        Files.write(images.resolve("2.webm.jpg"), new byte[] {1});
        Files.createDirectories(images.resolve("包"));
        Files.write(images.resolve("包/猫.webp"), new byte[] {1});
        Files.write(dir.resolve("secret.png"), new byte[] {1});
        ImageLocator locator = new ImageLocator(images);
        assertEquals(Optional.of(images.resolve("1.png")), locator.find("1.png"));
        assertEquals(Optional.of(images.resolve("2.webm.jpg")), locator.find("2.webm"));
        assertEquals(Optional.of(images.resolve("包/猫.webp")), locator.find("包/猫.webp"));
        assertEquals(Optional.empty(), locator.find("3.gif"));
        assertEquals(Optional.empty(), locator.find("../secret.png"), "ids cannot leave the folder");
        assertEquals(Optional.empty(), locator.find(dir.resolve("secret.png").toString()), "nor be absolute");
        assertEquals(Optional.empty(), locator.find("包"), "folders are not images");
    }
}
