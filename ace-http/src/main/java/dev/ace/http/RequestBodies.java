package dev.ace.http;

import dev.ace.core.CallerRole;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.mtree.TreeRequest;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.core.spock.ExceptionUpdateRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a JSON body into the core request it asks for, acting as the caller's role. The body is
 * read through core's table of options ({@link Options#parse}), which refuses unknown fields,
 * values of the wrong JSON type or out of range, control characters and overlong text, every
 * problem at once; this class adds the API's one rule of its own: a {@code diff_file} must lie
 * inside the server's output directory ({@link DiffFilePaths}), reported with the others.
 * Thread-safe (immutable).
 */
final class RequestBodies {

    private final DiffFilePaths diffFiles;

    RequestBodies(DiffFilePaths diffFiles) {
        this.diffFiles = diffFiles;
    }

    TableDiffRequest diff(Map<String, Object> body, CallerRole role) {
        return TableDiffRequest.builder(Options.parse(Operation.TABLE_DIFF, body)).role(role).build();
    }

    TableRepairRequest repair(Map<String, Object> body, CallerRole role) {
        Parsed parsed = parseWithDiffFile(Operation.TABLE_REPAIR, body);
        return TableRepairRequest.builder(parsed.values()).diffFile(parsed.diffFile()).role(role).build();
    }

    TableRerunRequest rerun(Map<String, Object> body, CallerRole role) {
        Parsed parsed = parseWithDiffFile(Operation.TABLE_RERUN, body);
        return TableRerunRequest.builder(parsed.values()).diffFile(parsed.diffFile()).role(role).build();
    }

    ExceptionUpdateRequest exceptionUpdate(Map<String, Object> body, CallerRole role) {
        return ExceptionUpdateRequest.builder(Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, body)).role(role).build();
    }

    /** Options read by the table, and the real path of their {@code diff_file}. */
    private record Parsed(OptionValues values, Path diffFile) {
    }

    TreeRequest tree(Map<String, Object> body, CallerRole role) {
        return TreeRequest.builder(Options.parse(Operation.MTREE, body)).role(role).build();
    }

    private Parsed parseWithDiffFile(Operation operation, Map<String, Object> body) {
        List<String> problems = new ArrayList<>();
        OptionValues values = null;
        try {
            values = Options.parse(operation, body);
        } catch (InvalidRequestException e) {
            problems.addAll(e.problems());
        }
        Path diffFile = null;
        boolean diffFileRefused = problems.stream().anyMatch(problem -> problem.startsWith("diff_file "));
        if (body.get("diff_file") instanceof String given && !given.isBlank() && !diffFileRefused) {
            diffFile = diffFiles.resolve(given, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(operation.subject(), problems);
        }
        return new Parsed(values, diffFile);
    }
}
