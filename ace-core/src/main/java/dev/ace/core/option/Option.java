package dev.ace.core.option;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One option of ACE's operations: its snake_case name (the API's, the YAML file's), the kebab-case
 * name of the command line, its type, default, allowed range or choices, help text, and the
 * operations it applies to. Every option is a constant of {@link Options}; the checks of a value
 * ({@link #problems}) are the only place its range is checked, whichever way the value came.
 * Immutable and thread-safe.
 *
 * @param <T> the Java type of its values: {@code Integer}, {@code Double}, {@code Boolean},
 *        {@code String}, {@code java.nio.file.Path}, {@code java.time.Duration},
 *        {@code java.time.Instant}, an enum, {@code List<String>} (nodes) or {@code Map<String, Object>} (a JSON object)
 */
public final class Option<T> {

    /** A check of a value in range: when {@code ok} fails, the message is "name must be {@code mustBe}, was value". */
    record Check<T>(Predicate<T> ok, String mustBe) {
    }

    private final String name;
    private final Kind<T> kind;
    private final String help;
    private final Set<Operation> operations;
    private final Set<Operation> requiredIn;
    private final T defaultValue;
    private final boolean secret;
    private final String expecting;
    private final Long min;
    private final Long max;
    private final String rangeText;
    private final List<Check<T>> checks;
    private final List<Function<T, List<String>>> validators;
    private final String requiredMessage;
    private final boolean textNumbers;
    private final String shownDefault;
    private final String allowedText;

    private Option(Builder<T> builder) {
        this.name = builder.name;
        this.kind = builder.kind;
        this.help = Objects.requireNonNull(builder.help, "help of " + builder.name);
        this.operations = Collections.unmodifiableSet(EnumSet.copyOf(builder.operations));
        this.requiredIn = builder.requiredIn.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(builder.requiredIn));
        this.defaultValue = builder.defaultValue;
        this.secret = builder.secret;
        this.expecting = builder.expecting != null ? builder.expecting : builder.kind.expecting();
        this.min = builder.min;
        this.max = builder.max;
        this.rangeText = builder.rangeText;
        this.checks = List.copyOf(builder.checks);
        this.validators = List.copyOf(builder.validators);
        this.requiredMessage = builder.requiredMessage != null ? builder.requiredMessage : name + " is required";
        this.textNumbers = builder.textNumbers;
        this.shownDefault = builder.shownDefault;
        this.allowedText = builder.allowedText;
    }

    /** The snake_case name, as the HTTP API and {@code ace.yaml} spell it: {@code block_rows}, {@code exception_details.status}. */
    public String name() {
        return name;
    }

    /** The command line's name, without dashes in front: {@code block-rows}, {@code remote-commit-ts}. */
    public String cliName() {
        return name.substring(name.lastIndexOf('.') + 1).replace('_', '-');
    }

    public OptionType type() {
        return kind.type();
    }

    public Class<T> javaType() {
        return kind.javaType();
    }

    /**
     * The value an operation takes when the option is not given. Where an option is also a
     * setting of {@code ace.yaml} ({@code block_rows}, ...), a request that leaves it unset takes
     * the configuration's value, which defaults to this.
     */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /**
     * The default as users write it ({@code 10000}, {@code 0.6}, {@code json}, {@code all},
     * {@code 10s}), or how it is found when it depends on other settings
     * ({@code <output_dir>/tasks.db}); empty when there is none.
     */
    public String defaultText() {
        if (shownDefault != null) {
            return shownDefault;
        }
        return defaultValue == null ? "" : String.valueOf(kind.toJson(defaultValue));
    }

    /**
     * What values are allowed, after "must be": {@code between 1000 and 100000}, {@code json, csv or html},
     * {@code above 0 and at most 1}; empty when any value of the type is.
     */
    public String allowed() {
        if (allowedText != null) {
            return allowedText;
        }
        if (type() == OptionType.CHOICE) {
            return expecting;
        }
        List<String> parts = new ArrayList<>();
        if (rangeText != null) {
            parts.add(rangeText);
        }
        checks.forEach(check -> parts.add(check.mustBe()));
        return String.join("; ", parts);
    }

    /** The words a {@link OptionType#CHOICE} takes, as the API spells them; empty for other types. */
    public List<String> choices() {
        return kind.choices();
    }

    /** One line of help, in the user's words. */
    public String help() {
        return help;
    }

    /** The operations that take this option. */
    public Set<Operation> operations() {
        return operations;
    }

    public boolean appliesTo(Operation operation) {
        return operations.contains(operation);
    }

    /** Whether {@code operation} cannot run without it. */
    public boolean isRequired(Operation operation) {
        return requiredIn.contains(operation);
    }

    /** A secret (a password) never appears in a message, a log line, a report, a task record or {@code options()}. */
    public boolean isSecret() {
        return secret;
    }

    /**
     * What is wrong with a value, each problem in the user's words ({@code block_rows must be
     * between 1000 and 100000, was 50}); empty when the value is allowed. The same checks run on a
     * value parsed from JSON or text and on a value set in Java.
     */
    public List<String> problems(T value) {
        Objects.requireNonNull(value, "value");
        List<String> problems = new ArrayList<>(kind.problems(this, value));
        if (!problems.isEmpty()) {
            return problems;
        }
        if (rangeText != null && value instanceof Number number
                && (number.longValue() < min || (max != null && number.longValue() > max))) {
            problems.add(name + " must be " + rangeText + ", was " + shown(value));
        }
        for (Check<T> check : checks) {
            if (!check.ok().test(value)) {
                problems.add(name + " must be " + check.mustBe() + ", was " + shown(value));
            }
        }
        for (Function<T, List<String>> validator : validators) {
            problems.addAll(validator.apply(value));
        }
        return problems;
    }

    /** The value as the JSON API and {@code options()} write it: numbers, booleans, text, lists and objects; reads back through {@link Options#parse}. */
    public Object toJson(T value) {
        return kind.toJson(value);
    }

    /**
     * The value written as text, read as {@link Options#parseText} reads it ({@code "n1,n2"},
     * {@code "10s"}); its range is checked later, with the other options of its request.
     *
     * @throws dev.ace.core.error.InvalidRequestException when the text is not a value of this option's type
     */
    public T valueOf(String text) {
        try {
            return kind.fromText(this, text);
        } catch (Kind.Refused e) {
            throw new dev.ace.core.error.InvalidRequestException(e.getMessage());
        }
    }

    /** The value as a message shows it after "was"; a secret is never shown. */
    String shown(T value) {
        return secret ? "(hidden)" : kind.show(value);
    }

    T fromJson(Object raw) throws Kind.Refused {
        return kind.fromJson(this, raw);
    }

    T fromText(String text) throws Kind.Refused {
        return kind.fromText(this, text);
    }

    T normalize(T value) {
        return kind.normalize(value);
    }

    /** A value of the wrong type or form: "name must be (what it must be), was (the value as it came)". */
    Kind.Refused refuse(Object raw) {
        return new Kind.Refused(name + " must be " + expecting + (secret ? "" : ", was " + Show.raw(raw)));
    }

    String requiredMessage() {
        return requiredMessage;
    }

    Long min() {
        return min;
    }

    Long max() {
        return max;
    }

    String rangeText() {
        return rangeText;
    }

    boolean acceptsTextNumbers() {
        return textNumbers;
    }

    @SuppressWarnings("unchecked")
    T cast(Object value) {
        return (T) value;
    }

    @Override
    public String toString() {
        return name;
    }

    static <T> Builder<T> define(String name, Kind<T> kind) {
        return new Builder<>(name, kind);
    }

    /** How {@link Options} defines an option. */
    static final class Builder<T> {
        private final String name;
        private final Kind<T> kind;
        private String help;
        private final Set<Operation> operations = EnumSet.noneOf(Operation.class);
        private final Set<Operation> requiredIn = EnumSet.noneOf(Operation.class);
        private T defaultValue;
        private boolean secret;
        private String expecting;
        private Long min;
        private Long max;
        private String rangeText;
        private final List<Check<T>> checks = new ArrayList<>();
        private final List<Function<T, List<String>>> validators = new ArrayList<>();
        private String requiredMessage;
        private boolean textNumbers;
        private String shownDefault;
        private String allowedText;

        private Builder(String name, Kind<T> kind) {
            if (!name.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?")) {
                throw new IllegalArgumentException("option names are snake_case: " + name);
            }
            this.name = name.toLowerCase(Locale.ROOT);
            this.kind = kind;
        }

        Builder<T> help(String text) {
            this.help = text;
            return this;
        }

        Builder<T> in(Operation... taking) {
            operations.addAll(List.of(taking));
            return this;
        }

        Builder<T> requiredIn(Operation... needing) {
            requiredIn.addAll(List.of(needing));
            operations.addAll(List.of(needing));
            return this;
        }

        Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        Builder<T> secret() {
            this.secret = true;
            return this;
        }

        /** What a value of the wrong form must be instead, when the type's words are not clear enough. */
        Builder<T> expecting(String text) {
            this.expecting = text;
            return this;
        }

        /** Whole numbers from {@code low} to {@code high} (null: as high as the Java type goes), described as {@code text}. */
        Builder<T> range(long low, Long high, String text) {
            this.min = low;
            this.max = high;
            this.rangeText = text;
            return this;
        }

        Builder<T> check(Predicate<T> ok, String mustBe) {
            checks.add(new Check<>(ok, mustBe));
            return this;
        }

        /** A check that words its own messages (a table name, a filter). */
        Builder<T> validator(Function<T, List<String>> validator) {
            validators.add(validator);
            return this;
        }

        Builder<T> requiredMessage(String message) {
            this.requiredMessage = message;
            return this;
        }

        /** JSON text of digits is read as a number too ({@code "remote_xid": "123456"}, as Spock's tools send it). */
        Builder<T> textNumbers() {
            this.textNumbers = true;
            return this;
        }

        /** The default as users are told it, when it is worked out from other settings. */
        Builder<T> shownDefault(String text) {
            this.shownDefault = text;
            return this;
        }

        /** What values are allowed, as users are told it, when a rule across options checks them. */
        Builder<T> allowedText(String text) {
            this.allowedText = text;
            return this;
        }

        Option<T> build() {
            return new Option<>(this);
        }
    }
}
