package org.gse.data.emoji;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A Subresource Integrity value as npm publishes it in {@code dist.integrity}: {@code sha512-<base64 digest>}.
 * Several space-separated values may appear; only the SHA-512 one is used, because npm has published SHA-512 for
 * every tarball since npm 5 and the older SHA-1 {@code shasum} is not collision resistant.
 *
 * @param value the SHA-512 entry as published, for example {@code sha512-Zm9v...}
 * @param digest the decoded 64-byte digest
 */
public record Integrity(String value, byte[] digest) {

    /** Parses an SRI string; {@code owner} names the package in errors. */
    public static Integrity parse(String sri, String owner) {
        if (sri == null || sri.isBlank()) {
            throw new IllegalArgumentException(owner + ": the registry metadata has no dist.integrity; "
                    + "only packages with a published sha512 integrity can be verified");
        }
        for (String part : sri.trim().split("\\s+")) {
            if (part.startsWith("sha512-")) {
                String base64 = part.substring("sha512-".length());
                int options = base64.indexOf('?');
                if (options >= 0) {
                    base64 = base64.substring(0, options);
                }
                byte[] digest;
                try {
                    digest = Base64.getDecoder().decode(base64);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(owner + ": dist.integrity '" + part + "' is not valid base64", e);
                }
                if (digest.length != 64) {
                    throw new IllegalArgumentException(owner + ": dist.integrity '" + part + "' decodes to "
                            + digest.length + " bytes, expected 64 for SHA-512");
                }
                return new Integrity(part, digest);
            }
        }
        throw new IllegalArgumentException(owner + ": dist.integrity '" + sri + "' has no sha512 entry");
    }

    /** Returns the SRI string of {@code bytes}: {@code sha512-} and the base64 of their SHA-512 digest. */
    public static String of(byte[] bytes) {
        return "sha512-" + Base64.getEncoder().encodeToString(sha512(bytes));
    }

    /** Returns true when the SHA-512 digest of {@code bytes} equals this value's digest. */
    public boolean matches(byte[] bytes) {
        return MessageDigest.isEqual(sha512(bytes), digest);
    }

    private static byte[] sha512(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is not available in this JDK", e);
        }
    }
}
