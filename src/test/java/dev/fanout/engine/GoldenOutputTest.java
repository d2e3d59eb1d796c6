package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The engine's output on a generated 200,000-row file that touches every part of the row path
/// (`GoldenFile`) is pinned by its SHA-256: any change of one output byte, in any row, fails here.
/// The hashes were taken from the engine before the byte-level row path (commit 3d2c370), so the
/// rewrite is held to the exact bytes of the String-based one. The file is generated, not
/// committed (about 60 MB); its own hash is checked first, so that a change of the generator is
/// told apart from a change of the engine.
class GoldenOutputTest {
    private static final int ROWS = 200_000;
    private static final String CSV_SHA256 = "c38f6a84a2612dff3db23a0ad6e8e78151c45b359db3e01c6c45b47d79721844";
    private static final String ALL_KEEP_SHA256 = "405f48089bc67537c1ed3ea982014e374dc3c1377312ac13bda7a74d70699116";
    private static final String INVALID_IGNORE_SHA256 = "f3e06d54fa395032f8daa033c2b1b285e48750a14d44df710a6bf2f191949af3";

    @TempDir
    static Path dir;
    private static Path csv;

    @BeforeAll
    static void generate() throws IOException {
        csv = dir.resolve("golden.csv");
        GoldenFile.write(csv, ROWS, 20261203L);
    }

    @Test
    void theGeneratedFileIsTheOneThePinnedHashesWereTakenOn() throws IOException {
        try (InputStream in = Files.newInputStream(csv)) {
            var digest = sha256();
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
            assertEquals(CSV_SHA256, HexFormat.of().formatHex(digest.digest()));
        }
    }

    @Test
    void everyRowWithKeptColumnsIsByteForByteAsPinned() throws IOException {
        var options = EngineOptions.defaults().withWorkers(2).withExtra(ExtraColumns.KEEP);
        assertEquals(ALL_KEEP_SHA256, outputSha256(options, ALL_KEEP_SHA256, "all-keep"));
    }

    @Test
    void invalidRowsWithIgnoredColumnsAreByteForByteAsPinned() throws IOException {
        var options = EngineOptions.defaults().withWorkers(1).withChunkRows(700).withMode(Mode.INVALID)
                .withExtra(ExtraColumns.IGNORE);
        assertEquals(INVALID_IGNORE_SHA256, outputSha256(options, INVALID_IGNORE_SHA256, "invalid-ignore"));
    }

    /// The SHA-256 of the run's output. When it is not the pinned one, the output is written to
    /// `target/golden/NAME.ndjson` (and the CSV beside it), so that the failure can be followed by
    /// a `diff` against the output of a build that passes.
    private static String outputSha256(EngineOptions options, String pinned, String name) throws IOException {
        String sha256 = outputSha256(options, OutputStream.nullOutputStream());
        if (!sha256.equals(pinned)) {
            Path kept = Files.createDirectories(Path.of("target", "golden"));
            try (var out = new BufferedOutputStream(Files.newOutputStream(kept.resolve(name + ".ndjson")), 1 << 16)) {
                outputSha256(options, out);
            }
            Files.copy(csv, kept.resolve("golden.csv"), StandardCopyOption.REPLACE_EXISTING);
        }
        return sha256;
    }

    private static String outputSha256(EngineOptions options, OutputStream copy) throws IOException {
        var digest = sha256();
        try (InputStream in = Files.newInputStream(csv);
             var run = new ValidationEngine().open(in, GoldenFile.SCHEMA, options);
             var out = new DigestOutputStream(copy, digest)) {
            run.writeTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
