package dev.ace.report;

import dev.ace.core.diff.DiffFile;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Renders a diff file as CSV and HTML in a JVM of its own, so a test can give it a small heap:
 * {@code MillionRowsRender <diff file> <csv> <html>}. Prints the time of each rendering and the
 * peak heap used.
 */
public final class MillionRowsRender {

    private MillionRowsRender() {
    }

    public static void main(String[] args) throws Exception {
        DiffFile file = DiffFile.open(Path.of(args[0]));
        render(new CsvDiffRenderer(false), file, Path.of(args[1]));
        render(new HtmlDiffRenderer(HtmlDiffRenderer.DEFAULT_ROWS), file, Path.of(args[2]));
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("peak heap MiB " + peak / (1024 * 1024) + " of max "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    private static void render(ReportRenderer<DiffFile> renderer, DiffFile file, Path target) throws Exception {
        long started = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16)) {
            renderer.render(file, out);
        }
        System.out.println(renderer.fileExtension() + " ms " + (System.nanoTime() - started) / 1_000_000);
    }
}
