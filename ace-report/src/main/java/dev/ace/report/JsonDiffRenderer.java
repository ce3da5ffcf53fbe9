package dev.ace.report;

import dev.ace.core.diff.DiffFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;

/** JSON: the diff file format itself (see docs/diff.md), copied as it is. Thread-safe. */
public final class JsonDiffRenderer implements ReportRenderer<DiffFile> {

    @Override
    public void render(DiffFile source, OutputStream out) throws IOException {
        Files.copy(source.path(), out);
    }

    @Override
    public String mediaType() {
        return "application/json";
    }

    @Override
    public String fileExtension() {
        return "json";
    }
}
