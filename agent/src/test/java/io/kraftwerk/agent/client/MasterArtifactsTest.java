package io.kraftwerk.agent.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.ArtifactRef;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching artifacts from a master that misbehaves (WireMock over mutual TLS): whatever it sends
 * that is not exactly the pinned bytes is refused, and nothing of it is kept. The well-behaved
 * master is the real one, in ArtifactsIT.
 */
class MasterArtifactsTest {
    private static final String NODE = "web1.example.net";
    private static final byte[] WHEEL = "the real wheel".getBytes(StandardCharsets.UTF_8);
    private static WireMockServer master;
    private static TestPki pki;

    @TempDir
    Path dir;

    private MasterArtifacts artifacts;
    private ArtifactRef ref;

    @BeforeAll
    static void startMaster(@TempDir Path keys) throws Exception {
        pki = new TestPki();
        master = WireMockMaster.start(pki, keys);
    }

    @AfterAll
    static void stopMaster() {
        if (master != null) {
            master.stop();
        }
    }

    @BeforeEach
    void node() throws Exception {
        master.resetAll();
        SslFiles ssl = SslFiles.in(dir.resolve("state"));
        pki.writeNodeSsl(ssl, NODE);
        MasterClient client = new MasterClient(URI.create("https://localhost:" + master.httpsPort()),
                Tls.context(ssl.ca(), ssl.certificate(), ssl.key()), Duration.ofSeconds(5),
                new MasterClient.Retry(1, Duration.ZERO, Duration.ZERO));
        ref = new ArtifactRef("kwhello", "1.0.0", "kwhello-1.0.0-py3-none-any.whl", sha256(WHEEL), (long) WHEEL.length);
        artifacts = new MasterArtifacts(new ArtifactCache(dir.resolve("state/artifacts")), client, NODE);
    }

    private String path() {
        return "/v1/artifacts/" + NODE + "/" + ref.sha256();
    }

    @Test
    void otherBytesThanThePinnedOnesFailTheFetchAndNothingIsKept() throws Exception {
        byte[] tampered = "the tampered wheel".getBytes(StandardCharsets.UTF_8);
        master.stubFor(get(urlEqualTo(path())).willReturn(aResponse().withStatus(200).withBody(tampered)));
        ref = new ArtifactRef(ref.name(), ref.version(), ref.filename(), ref.sha256(), (long) tampered.length);
        ProviderException refused = assertThrows(ProviderException.class, () -> artifacts.fetch(ref));
        assertEquals("artifact kwhello-1.0.0-py3-none-any.whl from the master has sha256 " + sha256(tampered) + " (18 bytes), the"
                + " catalog pins " + sha256(WHEEL) + " (18 bytes); nothing was installed", refused.getMessage());
        assertFalse(Files.exists(dir.resolve("state/artifacts/" + ref.sha256())), "nothing is kept, not even a folder");
    }

    @Test
    void moreBytesThanPinnedAreNotEvenReadToTheEnd() throws Exception {
        master.stubFor(get(urlEqualTo(path())).willReturn(aResponse().withStatus(200).withBody(new byte[1 << 20])));
        ProviderException refused = assertThrows(ProviderException.class, () -> artifacts.fetch(ref));
        assertEquals("artifact kwhello-1.0.0-py3-none-any.whl from the master is larger than the 14 bytes the catalog pins;"
                + " nothing was installed", refused.getMessage());
        assertFalse(Files.exists(dir.resolve("state/artifacts/" + ref.sha256())));
    }

    @Test
    void aRefusalSaysWhatTheMasterSaid() throws Exception {
        master.stubFor(get(urlEqualTo(path())).willReturn(aResponse().withStatus(403)
                .withBody("{\"error\": \"the catalog last served to web1.example.net pins no artifact with sha256 …\"}")));
        ProviderException refused = assertThrows(ProviderException.class, () -> artifacts.fetch(ref));
        assertEquals("the master refused artifact kwhello-1.0.0-py3-none-any.whl (sha256 " + ref.sha256().substring(0, 12) + "…): 403"
                + " the catalog last served to web1.example.net pins no artifact with sha256 …", refused.getMessage());
    }

    @Test
    void aCachedFileThatChangedOnDiskIsFetchedAgainAndAGoodOneIsNot() throws Exception {
        master.stubFor(get(urlEqualTo(path())).willReturn(aResponse().withStatus(200).withBody(WHEEL)));
        Path folder = artifacts.fetch(ref);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        Files.writeString(folder.resolve(ref.filename()), "changed on disk, same length");
        assertEquals(folder, artifacts.fetch(ref));
        assertEquals(2, master.countRequestsMatching(getRequestedFor(urlEqualTo(path())).build()).getCount());
        assertEquals(folder, artifacts.fetch(ref));
        assertEquals(2, master.countRequestsMatching(getRequestedFor(urlEqualTo(path())).build()).getCount(), "served from the cache");
        assertArrayEquals(WHEEL, Files.readAllBytes(folder.resolve(ref.filename())));
    }

    @Test
    void withoutAMasterOnlyVerifiedCachedFilesAreUsed() throws Exception {
        ArtifactCache cache = new ArtifactCache(dir.resolve("state/artifacts"));
        ProviderException missing = assertThrows(ProviderException.class, () -> cache.fetch(ref));
        assertEquals("artifact kwhello-1.0.0-py3-none-any.whl (sha256 " + ref.sha256().substring(0, 12) + "…) is not in the local"
                + " cache " + dir.resolve("state/artifacts") + ", and this run has no master to fetch it from; run kw-agent against"
                + " the master once", missing.getMessage());
        Path folder = cache.createFolder(ref);
        Files.write(folder.resolve(ref.filename()), "tampered in the cache!".getBytes(StandardCharsets.UTF_8));
        assertThrows(ProviderException.class, () -> cache.fetch(ref));
        assertFalse(Files.exists(folder.resolve(ref.filename())), "a cached file that is not the pinned one is removed");
        Files.write(folder.resolve(ref.filename()), WHEEL);
        assertEquals(folder, cache.fetch(ref));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
