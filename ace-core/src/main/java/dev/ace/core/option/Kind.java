package dev.ace.core.option;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.spock.RemoteOrigin;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How one type of option value is read from JSON-like values and from text, written back, and
 * shown in messages. Only this package knows kinds; {@link Option} is what others see.
 */
abstract class Kind<T> {

    /** A value that cannot be read as the option's type; the message is complete, name included. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final OptionType type;
    private final Class<T> javaType;
    private final String expecting;

    Kind(OptionType type, Class<T> javaType, String expecting) {
        this.type = type;
        this.javaType = javaType;
        this.expecting = expecting;
    }

    final OptionType type() {
        return type;
    }

    final Class<T> javaType() {
        return javaType;
    }

    /** What a value must be, after "must be": {@code an integer}, {@code json, csv or html}. */
    String expecting() {
        return expecting;
    }

    /** The choices of a {@link OptionType#CHOICE}; empty otherwise. */
    List<String> choices() {
        return List.of();
    }

    /** The value a JSON decoder gave (String, Number, Boolean, List, Map; never null); null when it means "not given". */
    abstract T fromJson(Option<T> option, Object raw) throws Refused;

    /** The value as text from a command line or a YAML file; null when it means "not given". */
    T fromText(Option<T> option, String text) throws Refused {
        return fromJson(option, text);
    }

    /** What is wrong with a value of the right type whatever the option: text too long, control characters, ... */
    List<String> problems(Option<T> option, T value) {
        return List.of();
    }

    /** The value as a JSON decoder would give it, so that {@link #fromJson} reads it back. */
    Object toJson(T value) {
        return value;
    }

    /** The value in a message, after "was". */
    String show(T value) {
        return String.valueOf(value);
    }

    /** A value of this kind taken from Java code, normalized as {@link #fromJson} would: blank text means not given. */
    T normalize(T value) {
        return value;
    }

    // ------------------------------------------------------------------ kinds

    static Kind<String> text(int maxLength, boolean multiline) {
        return new TextKind(maxLength, multiline);
    }

    static Kind<Path> path() {
        return new PathKind();
    }

    static Kind<Integer> integer() {
        return new WholeKind<>(Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE, BigInteger::intValueExact);
    }

    static Kind<Long> longInteger() {
        return new WholeKind<>(Long.class, Long.MIN_VALUE, Long.MAX_VALUE, BigInteger::longValueExact);
    }

    static Kind<Double> number() {
        return new NumberKind();
    }

    static Kind<Boolean> bool() {
        return new BooleanKind();
    }

    static Kind<Duration> duration() {
        return new DurationKind();
    }

    static Kind<Instant> timestamp() {
        return new TimestampKind();
    }

    static <E extends Enum<E>> Kind<E> choice(Class<E> type, Function<E, String> apiName) {
        return new ChoiceKind<>(type, apiName);
    }

    static Kind<List<String>> nodes() {
        return new NodesKind();
    }

    static Kind<Map<String, Object>> object() {
        return new ObjectKind();
    }

    static Kind<RemoteOrigin> remoteOrigin(int maxName) {
        return new RemoteOriginKind(maxName);
    }

    // ------------------------------------------------------------------ text

    /** Problems of text any option holds: control characters (tab and line breaks only where allowed) and length. */
    static List<String> textProblems(String name, String value, int maxLength, boolean multiline) {
        List<String> problems = new ArrayList<>(1);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Show.isControl(c) && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) {
                problems.add(name + " must not contain control characters" + (c == 0 ? " such as NUL" : "")
                        + ", was " + Show.quote(value));
                break;
            }
        }
        if (value.length() > maxLength) {
            problems.add(name + " must be at most " + maxLength + " characters, was " + value.length() + " characters");
        }
        return problems;
    }

    private static final class TextKind extends Kind<String> {
        private final int maxLength;
        private final boolean multiline;

        TextKind(int maxLength, boolean multiline) {
            super(OptionType.TEXT, String.class, "text");
            this.maxLength = maxLength;
            this.multiline = multiline;
        }

        @Override
        String fromJson(Option<String> option, Object raw) throws Refused {
            if (!(raw instanceof String text)) {
                throw option.refuse(raw);
            }
            return normalize(text);
        }

        @Override
        List<String> problems(Option<String> option, String value) {
            return textProblems(option.name(), value, maxLength, multiline);
        }

        @Override
        String show(String value) {
            return Show.quote(value);
        }

        @Override
        String normalize(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }

    private static final class PathKind extends Kind<Path> {
        static final int MAX_LENGTH = 4096;

        PathKind() {
            super(OptionType.PATH, Path.class, "a path");
        }

        @Override
        Path fromJson(Option<Path> option, Object raw) throws Refused {
            if (!(raw instanceof String text)) {
                throw option.refuse(raw);
            }
            if (text.isBlank()) {
                return null;
            }
            List<String> problems = textProblems(option.name(), text, MAX_LENGTH, false);
            if (!problems.isEmpty()) {
                throw new Refused(problems.get(0));
            }
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw option.refuse(raw);
            }
        }

        @Override
        List<String> problems(Option<Path> option, Path value) {
            return textProblems(option.name(), value.toString(), MAX_LENGTH, false);
        }

        @Override
        Object toJson(Path value) {
            return value.toString();
        }

        @Override
        String show(Path value) {
            return Show.quote(value.toString());
        }

        @Override
        Path normalize(Path value) {
            return value == null || value.toString().isEmpty() ? null : value;
        }
    }

    /** Whole numbers: JSON numbers without a fraction, however large, checked against the option's range. */
    private static final class WholeKind<T extends Number> extends Kind<T> {
        private static final Pattern DIGITS = Pattern.compile("[+-]?\\d{1,100}");
        private final long javaMin;
        private final long javaMax;
        private final Function<BigInteger, T> exact;

        WholeKind(Class<T> type, long javaMin, long javaMax, Function<BigInteger, T> exact) {
            super(OptionType.INTEGER, type, "an integer");
            this.javaMin = javaMin;
            this.javaMax = javaMax;
            this.exact = exact;
        }

        @Override
        T fromJson(Option<T> option, Object raw) throws Refused {
            BigInteger whole = null;
            if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
                whole = BigInteger.valueOf(((Number) raw).longValue());
            } else if (raw instanceof BigInteger big) {
                whole = big;
            } else if (raw instanceof BigDecimal decimal) {
                whole = integral(decimal);
            } else if (raw instanceof Double || raw instanceof Float) {
                double value = ((Number) raw).doubleValue();
                whole = Double.isFinite(value) ? integral(BigDecimal.valueOf(value)) : null;
            } else if (raw instanceof String text && option.acceptsTextNumbers()) {
                whole = digits(text);
            }
            if (whole == null) {
                throw option.refuse(raw);
            }
            return inRange(option, whole);
        }

        @Override
        T fromText(Option<T> option, String text) throws Refused {
            if (text.isBlank()) {
                return null;
            }
            BigInteger whole = digits(text);
            if (whole == null) {
                throw option.refuse(text);
            }
            return inRange(option, whole);
        }

        private static BigInteger digits(String text) {
            String trimmed = text.trim();
            return DIGITS.matcher(trimmed).matches() ? new BigInteger(trimmed.startsWith("+") ? trimmed.substring(1)
                    : trimmed) : null;
        }

        private static BigInteger integral(BigDecimal decimal) {
            if (decimal.signum() == 0) {
                return BigInteger.ZERO;
            }
            BigDecimal stripped = decimal.stripTrailingZeros();
            // a fraction, or an exponent too large to be a sensible option value (1e1000000)
            if (stripped.scale() > 0 || stripped.precision() - stripped.scale() > 100) {
                return null;
            }
            return stripped.toBigIntegerExact();
        }

        /** A value beyond the Java type is out of the option's range (or beyond what ACE can hold at all). */
        private T inRange(Option<T> option, BigInteger whole) throws Refused {
            if (whole.compareTo(BigInteger.valueOf(javaMin)) < 0 || whole.compareTo(BigInteger.valueOf(javaMax)) > 0) {
                boolean optionRange = option.rangeText() != null && (option.max() != null
                        || whole.compareTo(BigInteger.valueOf(option.min())) < 0);
                throw new Refused(option.name() + " must be " + (optionRange ? option.rangeText()
                        : whole.signum() > 0 ? "at most " + javaMax : "at least " + javaMin) + ", was " + whole);
            }
            return exact.apply(whole);
        }
    }

    private static final class NumberKind extends Kind<Double> {
        private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d{1,100}(\\.\\d{0,100})?|\\.\\d{1,100})"
                + "([eE][+-]?\\d{1,5})?");

        NumberKind() {
            super(OptionType.NUMBER, Double.class, "a number");
        }

        @Override
        Double fromJson(Option<Double> option, Object raw) throws Refused {
            if (!(raw instanceof Number number)) {
                throw option.refuse(raw);
            }
            return number.doubleValue();
        }

        @Override
        Double fromText(Option<Double> option, String text) throws Refused {
            if (text.isBlank()) {
                return null;
            }
            if (!DECIMAL.matcher(text.trim()).matches()) {
                throw option.refuse(text);
            }
            return Double.parseDouble(text.trim());
        }
    }

    private static final class BooleanKind extends Kind<Boolean> {
        BooleanKind() {
            super(OptionType.BOOLEAN, Boolean.class, "true or false");
        }

        @Override
        Boolean fromJson(Option<Boolean> option, Object raw) throws Refused {
            if (!(raw instanceof Boolean flag)) {
                throw option.refuse(raw);
            }
            return flag;
        }

        @Override
        Boolean fromText(Option<Boolean> option, String text) throws Refused {
            if (text.isBlank()) {
                return null;
            }
            if (text.trim().equalsIgnoreCase("true")) {
                return true;
            }
            if (text.trim().equalsIgnoreCase("false")) {
                return false;
            }
            throw option.refuse(text);
        }
    }

    private static final class DurationKind extends Kind<Duration> {
        DurationKind() {
            super(OptionType.DURATION, Duration.class, "a duration with a unit, such as 500ms, 10s, 2m or 1h");
        }

        @Override
        Duration fromJson(Option<Duration> option, Object raw) throws Refused {
            if (!(raw instanceof String text)) {
                throw option.refuse(raw);
            }
            if (text.isBlank()) {
                return null;
            }
            Duration duration = text.length() > 100 ? null : Durations.parse(text);
            if (duration == null) {
                throw option.refuse(raw);
            }
            return duration;
        }

        @Override
        Object toJson(Duration value) {
            return Durations.format(value);
        }
    }

    /**
     * ISO-8601 ({@code 2024-03-15T12:34:56Z}) or PostgreSQL's form ({@code 2024-03-15 12:34:56.5+00});
     * the offset is required and the precision is PostgreSQL's, the microsecond.
     */
    private static final class TimestampKind extends Kind<Instant> {
        private static final Pattern SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?"
                + "(Z|z|[+-]\\d{2}(:?\\d{2})?)");

        TimestampKind() {
            super(OptionType.TIMESTAMP, Instant.class, "a timestamp with a time zone such as 2024-03-15T12:34:56Z or "
                    + "2024-03-15 12:34:56.123456+00");
        }

        @Override
        Instant fromJson(Option<Instant> option, Object raw) throws Refused {
            if (!(raw instanceof String text)) {
                throw option.refuse(raw);
            }
            if (text.isBlank()) {
                return null;
            }
            String value = text.trim();
            if (!SHAPE.matcher(value).matches()) {
                throw option.refuse(raw);
            }
            value = value.replace(' ', 'T');
            if (value.matches(".*[+-]\\d{2}$")) {
                value = value + ":00";
            } else if (value.matches(".*[+-]\\d{4}$")) {
                value = value.substring(0, value.length() - 2) + ":" + value.substring(value.length() - 2);
            }
            try {
                Instant instant = OffsetDateTime.parse(value).toInstant();
                if (instant.getNano() % 1000 != 0) {
                    throw option.refuse(raw);
                }
                return instant;
            } catch (DateTimeParseException e) {
                throw option.refuse(raw);
            }
        }

        @Override
        List<String> problems(Option<Instant> option, Instant value) {
            return value.getNano() % 1000 == 0 ? List.of() : List.of(option.name() + " must be " + expecting()
                    + ", to the microsecond, was " + value);
        }

        @Override
        Object toJson(Instant value) {
            return value.toString();
        }
    }

    private static final class ChoiceKind<E extends Enum<E>> extends Kind<E> {
        private final E[] values;
        private final Function<E, String> apiName;

        ChoiceKind(Class<E> type, Function<E, String> apiName) {
            super(OptionType.CHOICE, type, null);
            this.values = type.getEnumConstants();
            this.apiName = apiName;
        }

        @Override
        String expecting() {
            List<String> names = choices();
            return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        }

        @Override
        List<String> choices() {
            List<String> names = new ArrayList<>();
            for (E value : values) {
                names.add(apiName.apply(value));
            }
            return names;
        }

        @Override
        E fromJson(Option<E> option, Object raw) throws Refused {
            if (!(raw instanceof String text)) {
                throw option.refuse(raw);
            }
            if (text.isBlank()) {
                return null;
            }
            for (E value : values) {
                if (apiName.apply(value).equalsIgnoreCase(text.trim())) {
                    return value;
                }
            }
            throw option.refuse(raw);
        }

        @Override
        Object toJson(E value) {
            return apiName.apply(value);
        }

        @Override
        String show(E value) {
            return apiName.apply(value);
        }
    }

    /** {@code "all"} (an empty list), {@code "n1,n2"} or {@code ["n1", "n2"]}. */
    private static final class NodesKind extends Kind<List<String>> {
        static final int MAX_NAME = 1000;

        @SuppressWarnings({"unchecked", "rawtypes"})
        NodesKind() {
            super(OptionType.NODES, (Class) List.class, "\"all\", a comma-separated list of node names or a list of them");
        }

        @Override
        List<String> fromJson(Option<List<String>> option, Object raw) throws Refused {
            List<String> names = new ArrayList<>();
            if (raw instanceof String text) {
                if (text.isBlank() || text.trim().equalsIgnoreCase("all")) {
                    return List.of();
                }
                for (String name : text.split(",", -1)) {
                    names.add(name.trim());
                }
            } else if (raw instanceof List<?> list) {
                for (Object element : list) {
                    if (!(element instanceof String name) || name.contains(",")) {
                        throw option.refuse(raw);
                    }
                    names.add(name.trim());
                }
            } else {
                throw option.refuse(raw);
            }
            for (String name : names) {
                if (name.isEmpty()) {
                    throw new Refused(option.name() + " has an empty node name, was " + Show.raw(raw));
                }
            }
            return List.copyOf(names);
        }

        @Override
        List<String> problems(Option<List<String>> option, List<String> value) {
            for (String name : value) {
                List<String> problems = textProblems(option.name(), name, MAX_NAME, false);
                if (!problems.isEmpty() || name.isBlank() || name.contains(",")) {
                    return problems.isEmpty() ? List.of(option.name() + " has an empty or comma-holding node name, was "
                            + show(value)) : problems;
                }
            }
            return List.of();
        }

        @Override
        Object toJson(List<String> value) {
            return value.isEmpty() ? "all" : value;
        }

        @Override
        String show(List<String> value) {
            return Show.quote(value.isEmpty() ? "all" : String.join(",", value));
        }

        @Override
        List<String> normalize(List<String> value) {
            return value == null ? null : List.copyOf(value);
        }
    }

    /**
     * A Spock origin: a whole number (JSON number or digits) is its {@code node_id}, any other
     * text its node name.
     */
    private static final class RemoteOriginKind extends Kind<RemoteOrigin> {
        private static final Pattern DIGITS = Pattern.compile("\\d{1,100}");
        private final int maxName;

        RemoteOriginKind(int maxName) {
            super(OptionType.TEXT, RemoteOrigin.class, "the origin node's spock.node.node_id (0 to "
                    + RemoteOrigin.MAX_NODE_ID + ") or its node name");
            this.maxName = maxName;
        }

        @Override
        RemoteOrigin fromJson(Option<RemoteOrigin> option, Object raw) throws Refused {
            BigInteger id = null;
            if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger) {
                id = new BigInteger(raw.toString());
            } else if (raw instanceof BigDecimal decimal && decimal.stripTrailingZeros().scale() <= 0
                    && decimal.precision() - decimal.scale() <= 100) {
                id = decimal.toBigIntegerExact();
            } else if (raw instanceof String text && DIGITS.matcher(text.trim()).matches()) {
                id = new BigInteger(text.trim());
            } else if (raw instanceof String text) {
                if (text.isBlank()) {
                    return null;
                }
                List<String> problems = textProblems(option.name(), text, maxName, false);
                if (!problems.isEmpty()) {
                    throw new Refused(problems.get(0));
                }
                return RemoteOrigin.named(text.trim());
            }
            if (id == null) {
                throw option.refuse(raw);
            }
            if (id.signum() < 0 || id.compareTo(BigInteger.valueOf(RemoteOrigin.MAX_NODE_ID)) > 0) {
                throw new Refused(option.name() + " must be " + expecting() + ", was " + id);
            }
            return RemoteOrigin.id(id.longValueExact());
        }

        @Override
        List<String> problems(Option<RemoteOrigin> option, RemoteOrigin value) {
            return value.byName() ? textProblems(option.name(), value.nodeName(), maxName, false) : List.of();
        }

        @Override
        Object toJson(RemoteOrigin value) {
            return value.byName() ? value.nodeName() : value.nodeId();
        }

        @Override
        String show(RemoteOrigin value) {
            return value.byName() ? Show.quote(value.nodeName()) : String.valueOf(value.nodeId());
        }
    }

    /** A JSON object: its fields as String, Number, Boolean, null, List and Map values, held unmodifiable. */
    private static final class ObjectKind extends Kind<Map<String, Object>> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final int MAX_DEPTH = 32;
        private static final int MAX_TEXT = 100_000;

        @SuppressWarnings({"unchecked", "rawtypes"})
        ObjectKind() {
            super(OptionType.OBJECT, (Class) Map.class, "a JSON object such as {\"details\": \"...\"}");
        }

        @Override
        Map<String, Object> fromJson(Option<Map<String, Object>> option, Object raw) throws Refused {
            if (!(raw instanceof Map<?, ?> map)) {
                throw option.refuse(raw);
            }
            Object copy = copy(map, 0);
            if (copy == null) {
                throw option.refuse(raw);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) copy;
            return object;
        }

        @Override
        Map<String, Object> fromText(Option<Map<String, Object>> option, String text) throws Refused {
            if (text.isBlank()) {
                return null;
            }
            Object parsed;
            try {
                parsed = text.length() > MAX_TEXT ? null : JSON.readValue(text, Object.class);
            } catch (JsonProcessingException e) {
                parsed = null;
            }
            if (!(parsed instanceof Map)) {
                throw option.refuse(text);
            }
            return fromJson(option, parsed);
        }

        /** An unmodifiable copy of a JSON-like value; null when it holds something JSON has not. */
        private static Object copy(Object value, int depth) {
            if (depth > MAX_DEPTH) {
                return null;
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> copy = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!(entry.getKey() instanceof String key)) {
                        return null;
                    }
                    Object element = entry.getValue() == null ? NULL : copy(entry.getValue(), depth + 1);
                    if (element == null) {
                        return null;
                    }
                    copy.put(key, element == NULL ? null : element);
                }
                return Collections.unmodifiableMap(copy);
            }
            if (value instanceof List<?> list) {
                List<Object> copy = new ArrayList<>();
                for (Object item : list) {
                    Object element = item == null ? NULL : copy(item, depth + 1);
                    if (element == null) {
                        return null;
                    }
                    copy.add(element == NULL ? null : element);
                }
                return Collections.unmodifiableList(copy);
            }
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return value;
            }
            return null;
        }

        private static final Object NULL = new Object();

        @Override
        List<String> problems(Option<Map<String, Object>> option, Map<String, Object> value) {
            if (copy(value, 0) == null) {
                return List.of(option.name() + " must be " + expecting() + ", was " + Show.raw(value));
            }
            if (holdsNul(value)) {
                return List.of(option.name() + " must not contain the NUL character (\\u0000), which PostgreSQL "
                        + "cannot store, was " + Show.raw(value));
            }
            return List.of();
        }

        private static boolean holdsNul(Object value) {
            if (value instanceof String text) {
                return text.indexOf('\0') >= 0;
            }
            if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (holdsNul(entry.getKey()) || holdsNul(entry.getValue())) {
                        return true;
                    }
                }
            }
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    if (holdsNul(element)) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        String show(Map<String, Object> value) {
            return Show.raw(value);
        }

        @Override
        Map<String, Object> normalize(Map<String, Object> value) {
            if (value == null) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) copy(value, 0);
            // something JSON has not is left as it is, for the problems to name it
            return copy == null ? value : copy;
        }
    }
}
