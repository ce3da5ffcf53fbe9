package dev.ace.core;

import static dev.ace.core.repair.RepairTesting.binaryRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output directory full or unwritable: as root (our machines, CI) a 64 KiB tmpfs is mounted
 * on it, full for a diff file of about 500 KB, or remounted read-only; as another user, whom
 * mounting is refused, a directory under a regular file stands for the unwritable one. The
 * operation fails with an error naming the directory and the reason, leaves no file (partial,
 * spool or final), and changes nothing in the database.
 */
@WithPgCluster(nodes = 2)
class OutputDirectoryTest {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path dir;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            run("umount", mounted.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    /** A directory on a 64 KiB tmpfs (as root), read-only if asked; for another user, a path under a regular file. */
    private Path smallOrUnwritable(boolean readOnly) throws Exception {
        if (!ROOT) {
            Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
            return file.resolve("out");
        }
        Path target = Files.createDirectories(dir.resolve("small"));
        // fails the test (never skips it) when the mount cannot be made
        run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", target.toString());
        mounted = target;
        if (readOnly) {
            run("mount", "-o", "remount,ro", target.toString());
        }
        return target;
    }

    /** n2 lacks every row: a diff file of about 500 KB. */
    private static void seed(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO t SELECT i, repeat(md5(i::text), 6) FROM generate_series(1, 2000) i");
    }

    private Ace ace(TestDatabase db, Path output) {
        db.writeClusterJson(dir.resolve("cluster"));
        return Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).outputDirectory(output).build());
    }

    private static List<Path> filesUnder(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aDiffIntoAFullOutputDirectoryFailsNamingItAndLeavesNoFile(TestDatabase db) throws Exception {
        seed(db);
        Path output = smallOrUnwritable(false);
        List<String> n1 = binaryRows(db, "n1", "t", "id");
        try (Ace ace = ace(db, output)) {
            assertThatThrownBy(() -> ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").nodes("all")
                    .maxDiffRows(0).build()))
                    .isInstanceOfSatisfying(AceException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
                        assertThat(e.getMessage()).contains("could not write the diff file ")
                                .contains("in output_dir " + output)
                                .contains(ROOT ? "no space left on device" : "is not a directory")
                                .endsWith(ROOT ? "; make room there or set output_dir to another directory"
                                        : "; make it writable or set output_dir to another directory");
                    });
        }
        assertThat(filesUnder(output)).as("no file is left, partial, spool or final").isEmpty();
        assertThat(binaryRows(db, "n1", "t", "id")).isEqualTo(n1);
        assertThat(db.queryValue("n2", "SELECT count(*) FROM t")).isEqualTo("0");
    }

    @Test
    void aRepairThatMustWriteAReportIntoAReadOnlyDirectoryChangesNothing(TestDatabase db) throws Exception {
        seed(db);
        DiffResult diff;
        try (Ace ace = ace(db, dir.resolve("out"))) {
            diff = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").nodes("all").maxDiffRows(0).build());
        }
        Path output = smallOrUnwritable(true);
        try (Ace ace = ace(db, output)) {
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(diff.diffFile()).sourceOfTruth("n1").generateReport(true).build()))
                    .isInstanceOfSatisfying(AceException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
                        assertThat(e.getMessage()).startsWith("generate_report: cannot write the repair report in "
                                        + "output_dir " + output + ": ")
                                .contains(ROOT ? "read-only file system" : "is not a directory")
                                .endsWith("; nothing was repaired");
                    });
        }
        assertThat(filesUnder(output)).isEmpty();
        assertThat(db.queryValue("n2", "SELECT count(*) FROM t")).isEqualTo("0");
        assertThat(db.queryValue("n2", "SELECT count(*) FROM pg_prepared_xacts")).isEqualTo("0");
    }
}
