package dev.ace.http;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import dev.ace.core.error.InvalidConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server's side of TLS: its certificate and key (PEM, read with the JDK alone), TLS 1.3 and
 * 1.2 only, and a client certificate asked for but judged per request rather than in the
 * handshake. A handshake that fails gives the client no HTTP answer at all; accepting every
 * client certificate there and judging it in {@link ClientCertificates} lets the API answer 401
 * saying what is wrong with it, as the API text promises. Thread-safe (immutable once built).
 */
final class ServerTls {

    /** The protocols offered, newest first. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private final SSLContext context;
    private final List<X509Certificate> clientAuthorities;

    private ServerTls(SSLContext context, List<X509Certificate> clientAuthorities) {
        this.context = context;
        this.clientAuthorities = clientAuthorities;
    }

    /** Reads the server's certificate, key and client CA; every problem is named in the error. */
    static ServerTls load(ServerSettings settings) {
        List<X509Certificate> chain = certificates(settings.serverCertFile(), "the server certificate");
        PrivateKey key = privateKey(settings.serverKeyFile(), settings.serverKeyPassword());
        List<X509Certificate> authorities = certificates(settings.clientCaFile(), "ca_cert_file");
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = new char[0];
            keys.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), new TrustManager[] {new AskEveryClient()},
                    new SecureRandom());
            return new ServerTls(context, authorities);
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidConfigurationException("the server certificate " + settings.serverCertFile()
                    + " and key " + settings.serverKeyFile() + " cannot be used for TLS: " + e.getMessage());
        }
    }

    /** TLS 1.3 and 1.2, a client certificate asked for (not required: judged per request). */
    HttpsConfigurator configurator() {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setProtocols(PROTOCOLS);
                ssl.setWantClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        };
    }

    /** The CA certificates client certificates must be issued by. */
    List<X509Certificate> clientAuthorities() {
        return clientAuthorities;
    }

    // ------------------------------------------------------------------ PEM

    static List<X509Certificate> certificates(Path file, String what) {
        String text = read(file, what);
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher matcher = PEM.matcher(text);
            while (matcher.find()) {
                if (matcher.group(1).equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(Base64.getMimeDecoder().decode(matcher.group(2)))));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new InvalidConfigurationException(what + " " + file + " holds a certificate that cannot be read: "
                    + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new InvalidConfigurationException(what + " " + file + " holds no PEM certificate "
                    + "(-----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    static PrivateKey privateKey(Path file, String password) {
        String text = read(file, "the server's private key");
        Matcher matcher = PEM.matcher(text);
        if (!matcher.find()) {
            throw new InvalidConfigurationException("the server's private key " + file + " is not a PEM private key "
                    + "(it should start with -----BEGIN PRIVATE KEY-----)");
        }
        String type = matcher.group(1);
        byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
        try {
            PKCS8EncodedKeySpec spec;
            switch (type) {
                case "PRIVATE KEY" -> spec = new PKCS8EncodedKeySpec(der);
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (password == null) {
                        throw new InvalidConfigurationException("the server's private key " + file + " is encrypted; "
                                + "set http.server_key_password (or ace_user_key_password for the ACE user's key)");
                    }
                    spec = decrypt(der, password);
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new InvalidConfigurationException(
                        "the server's private key " + file + " is a traditional (PKCS#1/SEC1) PEM key; convert it "
                                + "once to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out "
                                + file + ".pkcs8");
                default -> throw new InvalidConfigurationException("the server's private key " + file
                        + " holds a PEM " + type + ", not a private key");
            }
            for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (InvalidKeySpecException notThisOne) {
                    // try the next algorithm
                }
            }
            throw new InvalidConfigurationException("the server's private key " + file
                    + " is neither an RSA, an EC nor an EdDSA key");
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidConfigurationException("the server's private key " + file + " cannot be read"
                    + (type.startsWith("ENCRYPTED") ? " (is http.server_key_password right?)" : "") + ": "
                    + e.getMessage());
        }
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, String password) throws GeneralSecurityException,
            IOException {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        // PBES2 keys (what OpenSSL 3 writes) name their real cipher in the parameters
        String algorithm = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
        SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())),
                info.getAlgParameters());
        return info.getKeySpec(cipher);
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new InvalidConfigurationException(what + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Accepts any client certificate in the handshake (or none); {@link ClientCertificates} judges
     * the certificate on every request. It names no accepted issuer: a client such as the JDK's
     * offers only certificates of the issuers named, so a certificate of another CA would not be
     * sent at all and its owner would be told "no certificate" instead of what is wrong with it.
     */
    private static final class AskEveryClient extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // judged per request
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // judged per request
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // judged per request
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager judges clients only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("this trust manager judges clients only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("this trust manager judges clients only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
