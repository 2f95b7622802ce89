package io.kraftwerk.master.ca;

/** Every test of {@link CertificateAuthorityTest}, with the CA's state in a database (one per test) instead of its directory. */
class DatabaseCertificateAuthorityTest extends CertificateAuthorityTest {
    private final CaLedger database = CaDatabases.ledger(CaDatabases.h2());

    @Override
    CaLedger ledger() {
        return database;
    }
}
