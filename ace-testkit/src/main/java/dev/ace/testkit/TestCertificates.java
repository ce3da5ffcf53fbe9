package dev.ace.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and the certificates issued by it, for tests of TLS and
 * client-certificate authentication: a server certificate for loopback, client certificates
 * whose CN is the database user.
 *
 * <pre>{@code
 * TestCertificates.Authority ca = TestCertificates.authority("ACE test CA");
 * node.enableCertificateAuthentication(ca.issueServer(), ca);
 * TestCertificates.Issued alice = ca.issueClient("alice");
 * TestCertificates.Issued old = ca.issueExpiredClient("alice");    // and issueNotYetValidClient, issueClientWithoutCommonName
 * alice.writeCertificate(dir.resolve("alice.crt"));
 * alice.writePrivateKey(dir.resolve("alice.key"));   // PKCS#8 PEM, mode 0600
 * }</pre>
 */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /** A new self-signed CA with the given common name. */
    public static Authority authority(String commonName) {
        KeyPair keys = newKeyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        X509Certificate certificate = sign(subject, keys, subject, keys, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        });
        return new Authority(new Issued(certificate, keys));
    }

    /** A certificate and its private key. */
    public static final class Issued {
        private final X509Certificate certificate;
        private final KeyPair keys;

        Issued(X509Certificate certificate, KeyPair keys) {
            this.certificate = certificate;
            this.keys = keys;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** The certificate as PEM ({@code BEGIN CERTIFICATE}). */
        public String certificatePem() {
            return pem(certificate);
        }

        /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), the form OpenSSL 3 writes. */
        public String privateKeyPem() {
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }

        /** The private key as traditional PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}), as older OpenSSL wrote. */
        public String privateKeyPkcs1Pem() {
            return pem(keys.getPrivate());
        }

        public Path writeCertificate(Path file) {
            return write(file, certificatePem(), false);
        }

        /** Writes the PKCS#8 PEM key, readable by the owner only (PostgreSQL and pgjdbc insist). */
        public Path writePrivateKey(Path file) {
            return write(file, privateKeyPem(), true);
        }

        /** Writes the PKCS#1 PEM key, readable by the owner only. */
        public Path writePkcs1PrivateKey(Path file) {
            return write(file, privateKeyPkcs1Pem(), true);
        }
    }

    /** A certificate authority that issues server and client certificates. */
    public static final class Authority {
        private final Issued self;

        Authority(Issued self) {
            this.self = self;
        }

        public X509Certificate certificate() {
            return self.certificate;
        }

        public String certificatePem() {
            return self.certificatePem();
        }

        /**
         * A TLS context for a client of a server whose certificate this authority issued: trusting
         * this authority only, presenting {@code certificate} (none when null), for
         * {@code protocol} ({@code TLS}, the JDK's choice, when null). For the JDK's
         * {@code HttpClient.newBuilder().sslContext(...)}.
         */
        public SSLContext clientContext(Issued certificate, String protocol) {
            try {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", certificate());
                TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                        TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trust);
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                if (certificate != null) {
                    keys.setKeyEntry("client", certificate.keys.getPrivate(), new char[0],
                            new Certificate[] {certificate.certificate});
                }
                KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keys, new char[0]);
                SSLContext context = SSLContext.getInstance(protocol == null ? "TLS" : protocol);
                context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot make a TLS context: " + e, e);
            }
        }

        public Path writeCertificate(Path file) {
            return self.writeCertificate(file);
        }

        /** A server certificate valid for {@code localhost}, {@code 127.0.0.1} and {@code ::1}. */
        public Issued issueServer() {
            KeyPair keys = newKeyPair();
            X509Certificate certificate = sign(new X500Name("CN=localhost"), keys,
                    new X500Name(self.certificate.getSubjectX500Principal().getName()), self.keys, builder -> {
                        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.iPAddress, "::1")}));
                        builder.addExtension(Extension.extendedKeyUsage, false,
                                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                    });
            return new Issued(certificate, keys);
        }

        /**
         * A client certificate whose CN is {@code user}, as PostgreSQL's {@code cert} authentication
         * expects; any text is taken as it is (quotes, commas, any case), valid from an hour ago for 30 days.
         */
        public Issued issueClient(String user) {
            Instant now = Instant.now();
            return issueClient(commonName(user), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
        }

        /** A client certificate for {@code user} that expired yesterday (valid for the 30 days before). */
        public Issued issueExpiredClient(String user) {
            Instant now = Instant.now();
            return issueClient(commonName(user), now.minus(Duration.ofDays(31)), now.minus(Duration.ofDays(1)));
        }

        /** A client certificate for {@code user} that becomes valid tomorrow. */
        public Issued issueNotYetValidClient(String user) {
            Instant now = Instant.now();
            return issueClient(commonName(user), now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(31)));
        }

        /** A client certificate whose subject has no CN ({@code O=ACE tests, OU=no common name}). */
        public Issued issueClientWithoutCommonName() {
            Instant now = Instant.now();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "ACE tests")
                    .addRDN(BCStyle.OU, "no common name").build();
            return issueClient(subject, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
        }

        private Issued issueClient(X500Name subject, Instant notBefore, Instant notAfter) {
            KeyPair keys = newKeyPair();
            X509Certificate certificate = sign(subject, keys,
                    new X500Name(self.certificate.getSubjectX500Principal().getName()), self.keys, notBefore, notAfter,
                    builder -> builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
            return new Issued(certificate, keys);
        }

        private static X500Name commonName(String user) {
            return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, user).build();
        }
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws IOException;
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                        Extensions extensions) {
        Instant now = Instant.now();
        return sign(subject, subjectKeys, issuer, issuerKeys, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)), extensions);
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                        Instant notBefore, Instant notAfter, Extensions extensions) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, RANDOM).abs().add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKeys.getPublic());
            extensions.add(builder);
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new TestKitException("could not issue a test certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new TestKitException("could not generate an RSA key: " + e.getMessage(), e);
        }
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new TestKitException("could not write PEM: " + e.getMessage(), e);
        }
        return text.toString();
    }

    private static Path write(Path file, String text, boolean ownerOnly) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text);
            if (ownerOnly) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return file;
        } catch (IOException e) {
            throw new TestKitException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

}
