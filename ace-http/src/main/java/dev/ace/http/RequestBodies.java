package dev.ace.http;

import dev.ace.core.CallerRole;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.core.spock.ExceptionUpdateRequest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JSON body into the core request it asks for, acting as the caller's role, and refuses
 * it with every problem at once: unknown fields, values of the wrong JSON type or out of range,
 * text with control characters, and a {@code diff_file} outside the output directory. The one
 * place the API reads request options. Thread-safe (immutable).
 */
final class RequestBodies {

    private static final int MAX_NAME = 1000;
    private static final int MAX_FILTER = 10_000;
    private static final int MAX_PATH = 4096;

    private final DiffFilePaths diffFiles;

    RequestBodies(DiffFilePaths diffFiles) {
        this.diffFiles = diffFiles;
    }

    TableDiffRequest diff(Map<String, Object> body, CallerRole role) {
        Fields fields = new Fields("table-diff", body, "cluster_name", "table_name", "dbname", "block_rows",
                "max_cpu_ratio", "output", "nodes", "batch_size", "table_filter", "quiet", "max_diff_rows");
        TableDiffRequest.Builder builder = TableDiffRequest.builder(fields.text("cluster_name", true, MAX_NAME),
                        fields.text("table_name", true, MAX_NAME))
                .dbname(fields.text("dbname", false, MAX_NAME))
                .blockRows(fields.integer("block_rows"))
                .maxCpuRatio(fields.number("max_cpu_ratio"))
                .output(fields.text("output", false, MAX_NAME))
                .nodes(fields.nodes("nodes"))
                .batchSize(fields.integer("batch_size"))
                .tableFilter(fields.text("table_filter", false, MAX_FILTER))
                .quiet(fields.bool("quiet"))
                .maxDiffRows(fields.integer("max_diff_rows"))
                .role(role);
        fields.done();
        return builder.build();
    }

    TableRepairRequest repair(Map<String, Object> body, CallerRole role) {
        Fields fields = new Fields("table-repair", body, "cluster_name", "diff_file", "source_of_truth",
                "table_name", "dbname", "dry_run", "quiet", "generate_report", "upsert_only", "insert_only",
                "bidirectional", "fix_nulls", "fire_triggers", "atomic");
        TableRepairRequest.Builder builder = TableRepairRequest.builder(fields.text("cluster_name", true, MAX_NAME),
                        fields.text("table_name", true, MAX_NAME))
                .diffFile(fields.diffFile())
                .sourceOfTruth(fields.text("source_of_truth", false, MAX_NAME))
                .dbname(fields.text("dbname", false, MAX_NAME))
                .dryRun(fields.bool("dry_run"))
                .quiet(fields.bool("quiet"))
                .generateReport(fields.bool("generate_report"))
                .upsertOnly(fields.bool("upsert_only"))
                .insertOnly(fields.bool("insert_only"))
                .bidirectional(fields.bool("bidirectional"))
                .fixNulls(fields.bool("fix_nulls"))
                .fireTriggers(fields.bool("fire_triggers"))
                .atomic(fields.bool("atomic"))
                .role(role);
        fields.done();
        return builder.build();
    }

    TableRerunRequest rerun(Map<String, Object> body, CallerRole role) {
        Fields fields = new Fields("table-rerun", body, "cluster_name", "diff_file", "table_name", "dbname", "quiet",
                "behavior");
        TableRerunRequest.Builder builder = TableRerunRequest.builder(fields.text("cluster_name", true, MAX_NAME),
                        fields.text("table_name", true, MAX_NAME))
                .diffFile(fields.diffFile())
                .dbname(fields.text("dbname", false, MAX_NAME))
                .quiet(fields.bool("quiet"))
                .behavior(fields.text("behavior", false, MAX_NAME))
                .role(role);
        fields.done();
        return builder.build();
    }

    ExceptionUpdateRequest exceptionUpdate(Map<String, Object> body, CallerRole role) {
        Fields fields = new Fields("update-spock-exception", body, "cluster_name", "node_name", "dbname",
                "exception_details");
        ExceptionUpdateRequest.Builder builder = ExceptionUpdateRequest.builder(
                        fields.text("cluster_name", true, MAX_NAME), fields.text("node_name", true, MAX_NAME))
                .dbname(fields.text("dbname", false, MAX_NAME))
                .role(role);
        Object details = fields.value("exception_details");
        if (details == null) {
            fields.problem("exception_details is required: an object with remote_origin, remote_commit_ts, "
                    + "remote_xid, status and optionally command_counter and resolution_details");
        } else if (!(details instanceof Map<?, ?> map)) {
            fields.problem("exception_details must be a JSON object, was " + Fields.kind(details));
        } else {
            @SuppressWarnings("unchecked")
            Fields inner = new Fields("update-spock-exception", (Map<String, Object>) map, "exception_details.",
                    fields.problems, "remote_origin", "remote_commit_ts", "remote_xid", "command_counter", "status",
                    "resolution_details");
            builder.exception(inner.textOrNumber("remote_origin"), inner.text("remote_commit_ts", false, MAX_NAME),
                            inner.textOrNumber("remote_xid"))
                    .commandCounter(inner.textOrNumber("command_counter"))
                    .status(inner.text("status", false, MAX_NAME));
            Object resolution = inner.value("resolution_details");
            if (resolution != null) {
                inner.checkText("resolution_details", resolution);
                builder.resolutionDetails(ApiExchange.JSON.valueToTree(resolution));
            }
            inner.unknown();
        }
        fields.done();
        return builder.build();
    }

    /** The fields of one JSON object, read by name and type, with every problem kept. */
    private final class Fields {
        private final String operation;
        private final Map<String, Object> body;
        private final String prefix;
        private final List<String> problems;
        private final Set<String> known;

        Fields(String operation, Map<String, Object> body, String... known) {
            this(operation, body, "", new ArrayList<>(), known);
        }

        Fields(String operation, Map<String, Object> body, String prefix, List<String> problems, String... known) {
            this.operation = operation;
            this.body = body;
            this.prefix = prefix;
            this.problems = problems;
            this.known = new LinkedHashSet<>(List.of(known));
        }

        Object value(String name) {
            return body.get(name);
        }

        void problem(String text) {
            problems.add(text);
        }

        String text(String name, boolean required, int maxLength) {
            Object value = body.get(name);
            if (value == null) {
                if (required) {
                    problems.add(prefix + name + " is required");
                }
                return null;
            }
            if (!(value instanceof String text)) {
                problems.add(prefix + name + " must be a string, was " + kind(value));
                return null;
            }
            if (text.length() > maxLength) {
                problems.add(prefix + name + " must be at most " + maxLength + " characters, was " + text.length());
                return null;
            }
            return checkText(name, text) ? text : null;
        }

        /** No control characters but tab, line feed and carriage return, anywhere in the value. */
        boolean checkText(String name, Object value) {
            if (value instanceof String text) {
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                        problems.add(prefix + name + " must not contain control characters, has U+"
                                + String.format("%04X", (int) c) + " at position " + (i + 1));
                        return false;
                    }
                }
            } else if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!checkText(name, String.valueOf(entry.getKey())) || !checkText(name, entry.getValue())) {
                        return false;
                    }
                }
            } else if (value instanceof List<?> list) {
                for (Object item : list) {
                    if (!checkText(name, item)) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** A string or a whole number, as text: how the API text gives remote_xid ("123456") and others. */
        String textOrNumber(String name) {
            Object value = body.get(name);
            if (value instanceof BigInteger number) {
                return number.toString();
            }
            if (value instanceof Number) {
                problems.add(prefix + name + " must be a whole number, was " + value);
                return null;
            }
            return text(name, false, MAX_NAME);
        }

        Integer integer(String name) {
            Object value = body.get(name);
            if (value == null) {
                return null;
            }
            if (value instanceof BigInteger number) {
                if (number.bitLength() < 32) {
                    return number.intValue();
                }
                problems.add(prefix + name + " must be a whole number no larger than " + Integer.MAX_VALUE + ", was "
                        + shortNumber(number.toString()));
                return null;
            }
            if (value instanceof BigDecimal decimal && decimal.stripTrailingZeros().scale() <= 0
                    && decimal.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                return decimal.intValueExact();
            }
            problems.add(prefix + name + " must be a whole number, was " + kind(value));
            return null;
        }

        Double number(String name) {
            Object value = body.get(name);
            if (value == null) {
                return null;
            }
            if (value instanceof Number number) {
                double result = new BigDecimal(number.toString()).doubleValue();
                if (Double.isFinite(result)) {
                    return result;
                }
                problems.add(prefix + name + " is too large a number, was " + shortNumber(number.toString()));
                return null;
            }
            problems.add(prefix + name + " must be a number, was " + kind(value));
            return null;
        }

        boolean bool(String name) {
            Object value = body.get(name);
            if (value == null) {
                return false;
            }
            if (value instanceof Boolean flag) {
                return flag;
            }
            problems.add(prefix + name + " must be true or false, was " + kind(value));
            return false;
        }

        /** {@code "all"}, {@code "n1,n2"} or {@code ["n1", "n2"]}. */
        String nodes(String name) {
            Object value = body.get(name);
            if (value instanceof List<?> list) {
                List<String> names = new ArrayList<>();
                for (Object item : list) {
                    if (!(item instanceof String text) || text.isBlank() || text.contains(",")) {
                        problems.add(prefix + name + " must list node names as strings, was " + kind(item));
                        return null;
                    }
                    if (!checkText(name, text)) {
                        return null;
                    }
                    names.add(text);
                }
                return String.join(",", names);
            }
            return text(name, false, MAX_NAME);
        }

        Path diffFile() {
            String given = text("diff_file", true, MAX_PATH);
            return given == null ? null : diffFiles.resolve(given, problems);
        }

        /** Adds a problem for every field this operation does not take. */
        void unknown() {
            for (String name : body.keySet()) {
                if (!known.contains(name)) {
                    problems.add("unknown option " + DiffFilePaths.quote(prefix + name) + "; the options of "
                            + operation + (prefix.isEmpty() ? "" : " in " + prefix.substring(0, prefix.length() - 1))
                            + " are: " + String.join(", ", known));
                }
            }
        }

        /** Throws every problem found, if any. */
        void done() {
            unknown();
            if (!problems.isEmpty()) {
                throw new InvalidRequestException("the " + operation + " request", problems);
            }
        }

        static String kind(Object value) {
            if (value instanceof String text) {
                return "the string " + DiffFilePaths.quote(text);
            }
            if (value instanceof Boolean) {
                return "the boolean " + value;
            }
            if (value instanceof Number) {
                return "the number " + shortNumber(value.toString());
            }
            if (value instanceof List) {
                return "an array";
            }
            if (value instanceof Map) {
                return "an object";
            }
            return "null";
        }

        private static String shortNumber(String digits) {
            return digits.length() > 30 ? digits.substring(0, 20) + "... (" + digits.length() + " digits)" : digits;
        }
    }
}
