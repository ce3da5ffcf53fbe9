package dev.ace.report;

import dev.ace.core.repair.RepairReportJson;
import dev.ace.core.repair.RepairResult;
import java.io.IOException;
import java.io.OutputStream;

/**
 * JSON repair report: the format {@code generate_report} writes ({@link RepairReportJson}, the
 * one writer of it), per node what was deleted, inserted, updated (before and after) and skipped
 * with the reason. A result does not carry the request's {@code fire_triggers}, so this
 * rendering leaves that field out. Thread-safe.
 */
public final class JsonRepairRenderer implements ReportRenderer<RepairResult> {

    @Override
    public void render(RepairResult source, OutputStream out) throws IOException {
        RepairReportJson.write(source, null, out);
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
