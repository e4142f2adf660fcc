package org.gse.data.emoji;

import java.util.Locale;
import java.util.Optional;

/**
 * One emoji art set: the npm package that ships it, where its images sit in the tarball and under which licence
 * the art itself is published. The package licence is not always the art's: emoji-datasource-* is MIT for its
 * code and data, while its README states the Noto images are Apache-2.0 and the Twitter images CC-BY-4.0.
 * The licences below were read from each package's README and LICENSE files at the versions named.
 */
public enum EmojiStyle {

    /** Google's Noto Color Emoji, 64 px PNG, from emoji-datasource-google 16.0.0. */
    NOTO("noto", "emoji-datasource-google", "16.0.0", "img/google/64/", ".png", "Apache-2.0",
            "Noto Emoji images, Copyright Google Inc., Apache License 2.0 (https://github.com/googlefonts/noto-emoji);"
                    + " packaged by emoji-datasource-google (MIT, Cal Henderson)"),

    /** Twemoji, 64 px PNG, from emoji-datasource-twitter 16.0.0. */
    TWEMOJI("twemoji", "emoji-datasource-twitter", "16.0.0", "img/twitter/64/", ".png", "CC-BY-4.0",
            "Twemoji graphics, Copyright Twitter, Inc. and other contributors, CC BY 4.0"
                    + " (https://github.com/jdecked/twemoji); packaged by emoji-datasource-twitter (MIT, Cal Henderson)"),

    /** OpenMoji colour art, SVG rendered at the output size, from openmoji 17.0.0. */
    OPENMOJI("openmoji", "openmoji", "17.0.0", "color/svg/", ".svg", "CC-BY-SA-4.0",
            "OpenMoji, the open-source emoji and icon project, CC BY-SA 4.0 (https://openmoji.org/)"),

    /**
     * Microsoft's Fluent Emoji in the 3D style, WebP, from @lobehub/fluent-emoji-3d 1.1.0. NOTE: this tarball
     * ships no licence file; MIT comes from its package.json and README, not from Microsoft's own repository.
     */
    FLUENT_3D("fluent-3d", "@lobehub/fluent-emoji-3d", "1.1.0", "assets/", ".webp", "MIT",
            "Fluent Emoji, Copyright Microsoft Corporation, MIT License (https://github.com/microsoft/fluentui-emoji);"
                    + " packaged by @lobehub/fluent-emoji-3d (MIT, LobeHub)");

    private final String id;
    private final String packageName;
    private final String version;
    private final String imageFolder;
    private final String extension;
    private final String license;
    private final String attribution;

    EmojiStyle(String id, String packageName, String version, String imageFolder, String extension, String license,
            String attribution) {
        this.id = id;
        this.packageName = packageName;
        this.version = version;
        this.imageFolder = imageFolder;
        this.extension = extension;
        this.license = license;
        this.attribution = attribution;
    }

    /** Returns the style's name in ids, file names and the {@code style} column, for example {@code fluent-3d}. */
    public String id() {
        return id;
    }

    public String packageName() {
        return packageName;
    }

    public String version() {
        return version;
    }

    /** Returns the folder inside the tarball (without npm's top folder) that contains one image per emoji. */
    public String imageFolder() {
        return imageFolder;
    }

    /** Returns the image file extension with its dot, lower case. */
    public String extension() {
        return extension;
    }

    /** Returns the SPDX identifier of the art's licence. */
    public String license() {
        return license;
    }

    /** Returns the attribution line that NOTICE and the dataset README carry. */
    public String attribution() {
        return attribution;
    }

    /**
     * Returns the emoji key of an image entry in this style's folder, or empty for other entries. File names are
     * code points in hex, as in {@code 1f602.png}, {@code 0023-fe0f-20e3.png} or {@code 1F602.svg}.
     */
    public Optional<String> keyOf(String entryName) {
        String lower = entryName.toLowerCase(Locale.ROOT);
        if (!entryName.startsWith(imageFolder) || !lower.endsWith(extension)) {
            return Optional.empty();
        }
        String file = entryName.substring(imageFolder.length(), entryName.length() - extension.length());
        if (file.contains("/")) {
            return Optional.empty();
        }
        return EmojiKey.parse(file);
    }

    /** Returns the style whose id is {@code id}. */
    public static EmojiStyle byId(String id) {
        for (EmojiStyle style : values()) {
            if (style.id.equalsIgnoreCase(id)) {
                return style;
            }
        }
        StringBuilder known = new StringBuilder();
        for (EmojiStyle style : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(style.id);
        }
        throw new IllegalArgumentException("unknown emoji style '" + id + "'; known styles: " + known);
    }
}
