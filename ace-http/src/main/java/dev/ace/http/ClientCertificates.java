package dev.ace.http;

import dev.ace.core.CallerRole;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * Judges the client certificate of every request: present, issued by the CA of
 * {@code ca_cert_file}, valid now, and with a CN, which names the database role the request acts
 * as, exactly as written ({@code Alice} is role {@code "Alice"}). Anything else is a 401 that says
 * which of these it was. Thread-safe (immutable).
 */
final class ClientCertificates {

    /** PostgreSQL truncates longer names; a longer CN could otherwise act as another role. */
    private static final int MAX_ROLE_BYTES = 63;

    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final String authorities;
    private final Clock clock;

    ClientCertificates(List<X509Certificate> authorities, Clock clock) {
        authorities.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        this.authorities = String.join("; ", authorities.stream()
                .map(ca -> ca.getSubjectX500Principal().getName(X500Principal.RFC2253)).toList());
        this.clock = clock;
    }

    /** Who made the request: the certificate's CN and the role it names. */
    record Caller(String commonName, CallerRole role) {
    }

    /**
     * The caller of a request over {@code session}.
     *
     * @throws ApiError 401 saying what is wrong with the certificate
     */
    Caller authenticate(SSLSession session) {
        X509Certificate[] chain;
        try {
            chain = Arrays.stream(session.getPeerCertificates()).map(X509Certificate.class::cast)
                    .toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException e) {
            chain = new X509Certificate[0];
        }
        if (chain.length == 0) {
            throw ApiError.unauthorized("a client certificate is required: every request of this API must present a "
                    + "certificate issued by " + authorities + " (with curl: --cert client.crt --key client.key)");
        }
        X509Certificate client = chain[0];
        String subject = client.getSubjectX500Principal().getName(X500Principal.RFC2253);
        if (!issuedByOurCa(chain)) {
            throw ApiError.unauthorized("the client certificate " + subject + " was not issued by the CA this server "
                    + "trusts (" + authorities + ")");
        }
        Instant now = clock.instant();
        if (now.isAfter(client.getNotAfter().toInstant())) {
            throw ApiError.unauthorized("the client certificate " + subject + " expired at "
                    + client.getNotAfter().toInstant());
        }
        if (now.isBefore(client.getNotBefore().toInstant())) {
            throw ApiError.unauthorized("the client certificate " + subject + " is not valid yet: it is valid from "
                    + client.getNotBefore().toInstant());
        }
        List<String> commonNames = commonNames(client);
        if (commonNames.isEmpty()) {
            throw ApiError.unauthorized("the client certificate " + subject + " has no CN (common name); the CN names "
                    + "the database role the API acts as");
        }
        if (commonNames.size() > 1) {
            throw ApiError.unauthorized("the client certificate " + subject + " has " + commonNames.size()
                    + " CNs; it must have one, naming the database role the API acts as");
        }
        String commonName = commonNames.get(0);
        if (commonName.isBlank() || commonName.indexOf('\0') >= 0
                || commonName.getBytes(StandardCharsets.UTF_8).length > MAX_ROLE_BYTES) {
            throw ApiError.unauthorized("the client certificate's CN cannot name a database role: it must be 1 to "
                    + MAX_ROLE_BYTES + " bytes without NUL, as PostgreSQL role names are");
        }
        return new Caller(commonName, CallerRole.of(commonName));
    }

    /**
     * Whether the chain leads to one of our CAs, judged at a time the client certificate was
     * valid: an expired certificate of ours is told apart from a certificate of another CA.
     */
    private boolean issuedByOurCa(X509Certificate[] chain) {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            if (anchors.stream().noneMatch(anchor -> anchor.getTrustedCert().equals(certificate))) {
                path.add(certificate);
            }
        }
        if (path.isEmpty()) {
            return false;
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(chain[0].getNotBefore().toInstant().plusSeconds(1)));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The values of the certificate's CN attributes, in order. */
    private static List<String> commonNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253))
                    .getRdns()) {
                Attribute values = rdn.toAttributes().get("CN");
                if (values != null) {
                    for (int i = 0; i < values.size(); i++) {
                        names.add(String.valueOf(values.get(i)));
                    }
                }
            }
        } catch (NamingException e) {
            // a subject the JDK printed but cannot parse back has no CN we could trust
            return List.of();
        }
        return names;
    }
}
