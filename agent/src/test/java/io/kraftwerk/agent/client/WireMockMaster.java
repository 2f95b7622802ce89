package io.kraftwerk.agent.client;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Path;

/** WireMock playing the master over mutual TLS: it presents a localhost certificate and accepts only the test CA's nodes. */
public final class WireMockMaster {
    private WireMockMaster() {
    }

    public static WireMockServer start(TestPki pki, Path keys) throws Exception {
        WireMockServer server = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1")
                .keystorePath(pki.serverKeyStore(keys.resolve("server.p12")).toString()).keystoreType("PKCS12")
                .keystorePassword(new String(TestPki.PASSWORD)).keyManagerPassword(new String(TestPki.PASSWORD))
                .needClientAuth(true).trustStorePath(pki.trustStore(keys.resolve("trust.p12")).toString())
                .trustStoreType("PKCS12").trustStorePassword(new String(TestPki.PASSWORD)));
        server.start();
        return server;
    }
}
