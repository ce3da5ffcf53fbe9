package dev.ace.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build keeps callers out of ACE's internals: the public API neither shows nor leans on
 * {@code dev.ace.core.internal}, front-end modules use only the public API, core depends on no
 * front-end, and every public package says what it holds.
 */
class ArchitectureTest {

    private static final Path CORE = Path.of("src/main/java");
    private static final Path ROOT = Path.of("..");
    private static final String INTERNAL = "dev.ace.core.internal";
    /** The one class that wires internals together: the composition root, as Flyway's {@code Flyway}. */
    private static final Set<String> COMPOSITION_ROOTS = Set.of("dev.ace.core.Ace");
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.ace\\.[a-z.]+)\\.[A-Z]\\w*");

    @Test
    void publicPackagesDoNotUseInternalOnes() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles(CORE)) {
            String className = className(CORE, file);
            if (className.startsWith(INTERNAL) || COMPOSITION_ROOTS.contains(className)) {
                continue;
            }
            references(file).stream().filter(ref -> ref.startsWith(INTERNAL))
                    .forEach(ref -> violations.add(className + " -> " + ref));
        }
        assertThat(violations).as("public API classes that use internal packages").isEmpty();
    }

    @Test
    void publicSignaturesShowNoInternalType() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles(CORE)) {
            String className = className(CORE, file);
            if (className.startsWith(INTERNAL) || file.getFileName().toString().equals("package-info.java")) {
                continue;
            }
            Class<?> type = Class.forName(className);
            if (!Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            List<Type> shown = new ArrayList<>();
            shown.add(type.getGenericSuperclass());
            shown.addAll(List.of(type.getGenericInterfaces()));
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (isVisible(constructor.getModifiers())) {
                    shown.addAll(List.of(constructor.getGenericParameterTypes()));
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (isVisible(method.getModifiers()) && !method.isSynthetic()) {
                    shown.add(method.getGenericReturnType());
                    shown.addAll(List.of(method.getGenericParameterTypes()));
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (isVisible(field.getModifiers())) {
                    shown.add(field.getGenericType());
                }
            }
            shown.stream().filter(t -> t != null && t.getTypeName().contains(INTERNAL + "."))
                    .forEach(t -> violations.add(className + " shows " + t.getTypeName()));
        }
        assertThat(violations).as("public signatures that mention internal types").isEmpty();
    }

    @Test
    void frontEndsUseOnlyThePublicApi() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> modules = frontEndModules();
        assertThat(modules).as("front-end modules beside ace-core").isNotEmpty();
        for (Path module : modules) {
            Path sources = module.resolve("src/main/java");
            for (Path file : javaFiles(sources)) {
                references(file).stream().filter(ref -> ref.startsWith(INTERNAL))
                        .forEach(ref -> violations.add(module.getFileName() + ": " + className(sources, file) + " -> " + ref));
            }
        }
        assertThat(violations).as("front-end classes that use core internals").isEmpty();
    }

    @Test
    void coreDependsOnNoFrontEnd() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles(CORE)) {
            references(file).stream().filter(ref -> !ref.startsWith("dev.ace.core") && ref.startsWith("dev.ace."))
                    .forEach(ref -> violations.add(className(CORE, file) + " -> " + ref));
        }
        assertThat(violations).as("core classes that import a report, HTTP, CLI or test-kit class").isEmpty();
    }

    @Test
    void everyPublicPackageSaysWhatItHolds() throws IOException {
        Set<String> missing = new TreeSet<>();
        for (Path file : javaFiles(CORE)) {
            Path directory = file.getParent();
            String packageName = CORE.relativize(directory).toString().replace('/', '.');
            boolean internalSubpackage = packageName.startsWith(INTERNAL + ".");
            if (!internalSubpackage && !Files.exists(directory.resolve("package-info.java"))) {
                missing.add(packageName);
            }
        }
        assertThat(missing).as("public packages without package-info.java").isEmpty();
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Path> frontEndModules() throws IOException {
        try (Stream<Path> entries = Files.list(ROOT)) {
            return entries.filter(dir -> dir.getFileName().toString().startsWith("ace-"))
                    .filter(dir -> !dir.getFileName().toString().equals("ace-core"))
                    .filter(dir -> Files.isDirectory(dir.resolve("src/main/java")))
                    .sorted().toList();
        }
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String className(Path root, Path file) {
        String relative = root.relativize(file).toString();
        return relative.substring(0, relative.length() - ".java".length()).replace('/', '.');
    }

    /** The packages of every fully-qualified {@code dev.ace} type a source file names (imports and code). */
    private static Set<String> references(Path file) throws IOException {
        Set<String> packages = new TreeSet<>();
        Matcher matcher = REFERENCE.matcher(Files.readString(file));
        while (matcher.find()) {
            packages.add(matcher.group(1));
        }
        return packages;
    }
}
