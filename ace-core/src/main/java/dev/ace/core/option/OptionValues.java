package dev.ace.core.option;

import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The options given for one operation, typed and checked: every value is of its option's Java
 * type and allowed by its option, every required option is there, and the operation's rules
 * across options hold. Made by {@link Options#parse}, {@link Options#parseText} or
 * {@link #builder}; requests are made from it ({@code TableDiffRequest.builder(OptionValues)}).
 * Immutable and thread-safe; {@link #toString()} never shows a secret.
 */
public final class OptionValues {

    private final Operation operation;
    private final Map<Option<?>, Object> values;

    /** Values in the table's order, checked or not: rules read them before they are known to hold. */
    OptionValues(Operation operation, Map<Option<?>, Object> values) {
        this.operation = operation;
        Map<Option<?>, Object> ordered = new LinkedHashMap<>();
        for (Option<?> option : Options.forOperation(operation)) {
            if (values.containsKey(option)) {
                ordered.put(option, values.get(option));
            }
        }
        this.values = Collections.unmodifiableMap(ordered);
    }

    /** Values set one by one in Java; {@link Builder#build()} checks them as the parser does. */
    public static Builder builder(Operation operation) {
        return new Builder(operation);
    }

    public Operation operation() {
        return operation;
    }

    /** The value given for the option; empty when it was not given. */
    public <T> Optional<T> get(Option<T> option) {
        return Optional.ofNullable(option.cast(values.get(option)));
    }

    /** The value given, else the option's default; null when neither exists. */
    public <T> T getOrDefault(Option<T> option) {
        Object value = values.get(option);
        return value != null ? option.cast(value) : option.defaultValue().orElse(null);
    }

    public boolean isSet(Option<?> option) {
        return values.containsKey(option);
    }

    /** The options given, in the table's order. */
    public Set<Option<?>> options() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(values.keySet()));
    }

    /**
     * The values given as the JSON API writes them, by snake_case name: numbers, booleans, text,
     * lists and objects, the options of a group ({@code exception_details.status}) inside an object
     * of the group's name. Secrets are left out. {@link Options#parse} reads it back.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
        for (Map.Entry<Option<?>, Object> entry : values.entrySet()) {
            Option<?> option = entry.getKey();
            if (option.isSecret()) {
                continue;
            }
            Object json = json(option, entry.getValue());
            int dot = option.name().indexOf('.');
            if (dot < 0) {
                map.put(option.name(), json);
            } else {
                groups.computeIfAbsent(option.name().substring(0, dot), group -> {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    map.put(group, fields);
                    return fields;
                }).put(option.name().substring(dot + 1), json);
            }
        }
        groups.forEach((group, fields) -> map.put(group, Collections.unmodifiableMap(fields)));
        return Collections.unmodifiableMap(map);
    }

    private static <T> Object json(Option<T> option, Object value) {
        return option.toJson(option.cast(value));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OptionValues that && operation == that.operation && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(operation, values);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(operation.apiName()).append(' ').append('{');
        values.forEach((option, value) -> text.append(text.charAt(text.length() - 1) == '{' ? "" : ", ")
                .append(option.name()).append('=').append(shown(option, value)));
        return text.append('}').toString();
    }

    private static <T> String shown(Option<T> option, Object value) {
        return option.shown(option.cast(value));
    }

    // ------------------------------------------------------------------ checking

    /**
     * Every problem of the values, in the table's order: a value the parser refused (given in
     * {@code refused}), a required option missing, a value out of its option's range; then the
     * operation's rules across options, except those that read a refused option.
     */
    static List<String> problems(Operation operation, Map<Option<?>, Object> values, Map<Option<?>, String> refused) {
        List<String> problems = new ArrayList<>();
        for (Option<?> option : Options.forOperation(operation)) {
            if (refused.containsKey(option)) {
                if (refused.get(option) != null) {
                    problems.add(refused.get(option));
                }
            } else if (!values.containsKey(option)) {
                if (option.isRequired(operation)) {
                    problems.add(option.requiredMessage());
                }
            } else {
                problems.addAll(check(option, values.get(option)));
            }
        }
        OptionValues view = new OptionValues(operation, values);
        for (Options.Rule rule : Options.rules(operation)) {
            if (rule.reads().stream().noneMatch(refused::containsKey)) {
                problems.addAll(rule.check().apply(view));
            }
        }
        return problems;
    }

    private static <T> List<String> check(Option<T> option, Object value) {
        return option.problems(option.cast(value));
    }

    /** The error listing every problem: {@link InvalidConfigurationException} for the configuration, else {@link InvalidRequestException}. */
    static RuntimeException invalid(Operation operation, List<String> problems) {
        return invalid(operation, operation.subject(), problems);
    }

    static RuntimeException invalid(Operation operation, String subject, List<String> problems) {
        return operation.isSettings() ? new InvalidConfigurationException(subject, problems)
                : new InvalidRequestException(subject, problems);
    }

    /** Values set in Java, checked by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final Operation operation;
        private final Map<Option<?>, Object> values = new LinkedHashMap<>();

        private Builder(Operation operation) {
            this.operation = Objects.requireNonNull(operation, "operation");
        }

        /**
         * Sets an option; null (and blank text) means not given.
         *
         * @throws IllegalArgumentException when the option is not one of the operation's
         */
        public <T> Builder set(Option<T> option, T value) {
            if (!option.appliesTo(operation)) {
                throw new IllegalArgumentException(option.name() + " is not an option of " + operation.apiName());
            }
            T normalized = value == null ? null : option.normalize(value);
            if (normalized == null) {
                values.remove(option);
            } else {
                values.put(option, normalized);
            }
            return this;
        }

        /**
         * The values, after checking every one of them and the operation's rules.
         *
         * @throws InvalidRequestException listing every problem ({@link InvalidConfigurationException} for {@link Operation#CONFIG})
         */
        public OptionValues build() {
            List<String> problems = problems(operation, values, Map.of());
            if (!problems.isEmpty()) {
                throw invalid(operation, problems);
            }
            return new OptionValues(operation, values);
        }
    }
}
