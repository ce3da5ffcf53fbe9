package dev.ace.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.junit.jupiter.api.Test;

/** The certificates the test kit issues are what their names say: signed by the CA, valid when said, CN as given. */
class TestCertificatesTest {

    private static final TestCertificates.Authority CA = TestCertificates.authority("ACE test CA");

    private static String commonName(X509Certificate certificate) throws Exception {
        for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
            if (rdn.getType().equalsIgnoreCase("CN")) {
                return rdn.getValue().toString();
            }
        }
        return null;
    }

    @Test
    void aClientCertificateIsSignedByTheAuthorityValidNowAndNamedExactlyAsAsked() throws Exception {
        for (String user : new String[] {"alice", "Alice", "O'Brien \"the\" admin, ops", "x=1+y=2"}) {
            X509Certificate certificate = CA.issueClient(user).certificate();
            certificate.verify(CA.certificate().getPublicKey());
            certificate.checkValidity();
            assertThat(commonName(certificate)).isEqualTo(user);
        }
    }

    @Test
    void expiredAndNotYetValidClientCertificatesAreSoAndOtherwiseSound() throws Exception {
        X509Certificate expired = CA.issueExpiredClient("alice").certificate();
        expired.verify(CA.certificate().getPublicKey());
        assertThatThrownBy(expired::checkValidity).isInstanceOf(CertificateExpiredException.class);
        assertThat(commonName(expired)).isEqualTo("alice");

        X509Certificate early = CA.issueNotYetValidClient("alice").certificate();
        early.verify(CA.certificate().getPublicKey());
        assertThatThrownBy(early::checkValidity).isInstanceOf(CertificateNotYetValidException.class);
    }

    @Test
    void aCertificateWithoutCommonNameHasNone() throws Exception {
        X509Certificate certificate = CA.issueClientWithoutCommonName().certificate();
        certificate.verify(CA.certificate().getPublicKey());
        certificate.checkValidity();
        assertThat(commonName(certificate)).isNull();
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("OU=no common name,O=ACE tests");
    }
}
