package org.gse.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The version of the running code, for provenance. */
public final class CodeVersion {

    private CodeVersion() {}

    /** Returns the jar manifest's version, or "development build" when running from classes. */
    public static String version() {
        String version = CodeVersion.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    /**
     * Returns the git commit of the repository that holds the running jar or classes folder. The commit gets a
     * "-dirty" suffix when tracked files have uncommitted changes. Returns null when git or the repository is
     * missing, because this only runs the {@code git} command, with a 5 s timeout.
     */
    public static String gitCommit() {
        try {
            Path location = Path.of(CodeVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(location) ? location : location.getParent();
            String commit = git(dir, "rev-parse", "HEAD");
            if (commit == null || commit.isEmpty()) {
                return null;
            }
            String status = git(dir, "status", "--porcelain", "--untracked-files=no");
            return status != null && !status.isEmpty() ? commit + "-dirty" : commit;
        } catch (Exception e) {
            return null;
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return null;
        }
        return process.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
    }

    /** Returns "Java VERSION, OS ARCH, N processors". */
    public static String machine() {
        return "Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors()
                + " processors";
    }
}
