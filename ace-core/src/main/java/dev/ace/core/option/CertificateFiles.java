package dev.ace.core.option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration's rule for client-certificate authentication: with {@code use_cert_auth},
 * the certificate, its key and the CA's certificate must be readable files, and the key must be
 * a PEM form the PostgreSQL JDBC driver reads (PKCS#8), encrypted only with a password set.
 */
final class CertificateFiles {

    private CertificateFiles() {
    }

    static List<String> problems(OptionValues values) {
        List<String> problems = new ArrayList<>();
        if (!values.getOrDefault(Options.USE_CERT_AUTH)) {
            return problems;
        }
        readable(Options.ACE_USER_CERT_FILE, values, problems);
        readable(Options.CA_CERT_FILE, values, problems);
        if (readable(Options.ACE_USER_KEY_FILE, values, problems)) {
            keyFormat(values.getOrDefault(Options.ACE_USER_KEY_FILE), values.isSet(Options.ACE_USER_KEY_PASSWORD),
                    problems);
        }
        return problems;
    }

    private static boolean readable(Option<Path> setting, OptionValues values, List<String> problems) {
        Path file = values.getOrDefault(setting);
        if (file == null) {
            problems.add(setting.name() + " must be set when use_cert_auth is true");
            return false;
        }
        if (!Files.isRegularFile(file)) {
            problems.add(setting.name() + " " + file + " does not exist or is not a file");
            return false;
        }
        if (!Files.isReadable(file)) {
            problems.add(setting.name() + " " + file + " is not readable");
            return false;
        }
        return true;
    }

    private static void keyFormat(Path keyFile, boolean hasPassword, List<String> problems) {
        String head;
        try {
            head = Files.readString(keyFile).strip();
        } catch (IOException | RuntimeException e) {
            problems.add("ace_user_key_file " + keyFile + " cannot be read: " + e.getMessage());
            return;
        }
        if (head.startsWith("-----BEGIN RSA PRIVATE KEY-----") || head.startsWith("-----BEGIN EC PRIVATE KEY-----")) {
            problems.add("ace_user_key_file " + keyFile + " is a traditional (PKCS#1/SEC1) PEM key, which the "
                    + "PostgreSQL JDBC driver cannot read; convert it once with: openssl pkcs8 -topk8 -nocrypt -in "
                    + keyFile + " -out " + pkcs8Name(keyFile));
        } else if (head.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----") && !hasPassword) {
            problems.add("ace_user_key_file " + keyFile + " is encrypted; set ace_user_key_password");
        } else if (!head.startsWith("-----BEGIN PRIVATE KEY-----")
                && !head.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            problems.add("ace_user_key_file " + keyFile + " is not a PEM private key (it should start with "
                    + "-----BEGIN PRIVATE KEY-----)");
        }
    }

    private static String pkcs8Name(Path keyFile) {
        String name = keyFile.toString();
        return (name.endsWith(".key") ? name.substring(0, name.length() - 4) : name) + "-pkcs8.key";
    }
}
