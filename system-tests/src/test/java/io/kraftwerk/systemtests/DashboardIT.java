package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in headless Chromium, after a scripted set of reports: sign-in, the overview's
 * counts, filtering, a node page with its last report's events, a resource and an environment,
 * and markup from a node shown as text, never run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    private static final String XSS = "<script>document.title='owned'</script><img src=x onerror=\"document.title='owned'\">";
    private MasterProcess master;
    private Browser browser;
    private String dashboard;

    @BeforeAll
    void start() throws Exception {
        Path work = Files.createDirectories(Repo.SCRATCH).resolve("dashboard-it");
        Repo.deleteTree(work);
        GitRepo manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        manifests.git("branch", "staging");
        master = MasterProcess.start(Repo.ROOT, work.resolve("data"), manifests.dir().toString(),
                List.of("--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1"), "");
        FleetApi api = new FleetApi(master);
        Instant now = Instant.now();
        Map<String, Report> reports = new LinkedHashMap<>();
        reports.put("n1.example.net", ScriptedReports.unchanged("n1.example.net", now.minusSeconds(60)));
        reports.put("n2.example.net", ScriptedReports.inEnvironment(ScriptedReports.changed("n2.example.net", now.minusSeconds(50)),
                "staging"));
        reports.put("n3.example.net", ScriptedReports.releaseFailed("n3.example.net", now.minusSeconds(40)));
        reports.put("n4.example.net", ScriptedReports.corrected("n4.example.net", now.minusSeconds(30)));
        reports.put("n5.example.net", ScriptedReports.noopPending("n5.example.net", now.minusSeconds(20)));
        reports.put("n6.example.net", ScriptedReports.unchanged("n6.example.net", now.minus(Duration.ofHours(3))));
        reports.put("n7.example.net", ScriptedReports.auditDrift("n7.example.net", now.minusSeconds(10)));
        reports.put("x1.example.net", ScriptedReports.correctedWith("x1.example.net", now.minusSeconds(5), "file[/etc/x]", XSS, "fine"));
        for (Map.Entry<String, Report> r : reports.entrySet()) {
            FleetApi.Answer a = api.asNode(NodeIdentity.issue(master.caDir(), r.getKey()), "POST", "/v1/reports/" + r.getKey(),
                    ModelJson.writeBytes(r.getValue()));
            assertEquals(201, a.status(), a.body());
        }
        dashboard = master.url("localhost") + "/dashboard/";
        browser = Browser.start(null);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    @Order(1)
    void signingInTakesTheAdminToken() throws Exception {
        browser.open(dashboard);
        assertTrue(browser.driver().getCurrentUrl().endsWith("/dashboard/login"), browser.driver().getCurrentUrl());
        browser.find("#token").sendKeys("not-the-token");
        browser.clickAndWait("#login button");
        assertEquals("That is not the admin token. It is in DATA/admin.token on the master.", browser.find("#login-error").getText());
        browser.screenshot("dashboard-login-refused");
        browser.signIn(dashboard, master.adminToken());
        assertTrue(browser.driver().getCurrentUrl().endsWith("/dashboard/"), browser.driver().getCurrentUrl());
    }

    @Test
    @Order(2)
    void theOverviewCountsEveryStatus() throws Exception {
        browser.open(dashboard);
        Map<String, String> counts = new TreeMap<>();
        for (String s : List.of("unresponsive", "failed", "drifted", "pending", "changed", "unchanged")) {
            counts.put(s, browser.find("#count-" + s + " .count").getText());
        }
        assertEquals(Map.of("unresponsive", "1", "failed", "1", "drifted", "3", "pending", "1", "changed", "1", "unchanged", "1"),
                counts);
        assertEquals(8, browser.all("#nodes tbody tr").size());
        browser.screenshot("dashboard-overview");
    }

    @Test
    @Order(3)
    void filteringNarrowsTheNodeTable() throws Exception {
        browser.open(dashboard);
        new Select(browser.find("#filter-status")).selectByValue("drifted");
        browser.clickAndWait("#filter-apply");
        assertEquals(List.of("n4.example.net", "n7.example.net", "x1.example.net"), browser.texts("#nodes tbody td.certname"));
        assertEquals("3 matching", browser.find("#matching").getText());
        browser.screenshot("dashboard-filtered-drifted");

        browser.find("#filter-search").sendKeys("n7");
        browser.clickAndWait("#filter-apply");
        assertEquals(List.of("n7.example.net"), browser.texts("#nodes tbody td.certname"));

        browser.clickAndWait("#count-unresponsive");
        assertEquals(List.of("n6.example.net"), browser.texts("#nodes tbody td.certname"));
        assertEquals(List.of("unresponsive"), browser.texts("#nodes tbody td.status"));
    }

    @Test
    @Order(4)
    void filteringByEnvironmentAndLastReportAgeAndSortingByAColumn() throws Exception {
        browser.open(dashboard);
        new Select(browser.find("#filter-environment")).selectByValue("staging");
        browser.clickAndWait("#filter-apply");
        assertEquals(List.of("n2.example.net"), browser.texts("#nodes tbody td.certname"));
        assertEquals(List.of("staging"), browser.texts("#nodes tbody td.environment"));

        browser.open(dashboard);
        new Select(browser.find("#filter-age")).selectByValue("over-1h");
        browser.clickAndWait("#filter-apply");
        assertEquals(List.of("n6.example.net"), browser.texts("#nodes tbody td.certname"));
        assertEquals("over-1h", new Select(browser.find("#filter-age")).getFirstSelectedOption().getAttribute("value"),
                "the filter stays chosen");
        new Select(browser.find("#filter-age")).selectByValue("under-1h");
        browser.clickAndWait("#filter-apply");
        assertEquals(7, browser.texts("#nodes tbody td.certname").size());

        // Sorting keeps the filter; the column's link turns the order around.
        browser.clickAndWait(By.linkText("Last report"));
        assertEquals(List.of("n1.example.net", "n2.example.net", "n3.example.net", "n4.example.net", "n5.example.net",
                "n7.example.net", "x1.example.net"), browser.texts("#nodes tbody td.certname"), "oldest report first");
        browser.clickAndWait(By.linkText("Last report"));
        assertEquals("x1.example.net", browser.texts("#nodes tbody td.certname").get(0), "newest report first");
        browser.clickAndWait(By.linkText("Environment"));
        assertEquals("staging", browser.texts("#nodes tbody td.environment").get(6), "production before staging");
        browser.screenshot("dashboard-sorted-by-environment");

        // A custom page size stays when the table is sorted.
        browser.open(dashboard + "?size=3");
        assertEquals(3, browser.all("#nodes tbody tr").size());
        browser.clickAndWait(By.linkText("Node"));
        assertTrue(browser.driver().getCurrentUrl().contains("size=3"), browser.driver().getCurrentUrl());
        assertEquals(List.of("x1.example.net", "n7.example.net", "n6.example.net"), browser.texts("#nodes tbody td.certname"),
                "descending by name, three a page");
    }

    @Test
    @Order(5)
    void aNodePageListsTheEventsOfItsLastReport() throws Exception {
        browser.open(dashboard);
        browser.clickAndWait(By.linkText("n4.example.net"));
        assertEquals("drifted", browser.find("#status").getText());
        assertEquals(List.of("file[/etc/motd]"), browser.texts("#events tbody td.resource"));
        assertEquals(List.of("content"), browser.texts("#events tbody td.property"));
        assertEquals(List.of("sha256:1111111111111111"), browser.texts("#events tbody td.previous"));
        assertEquals(List.of("sha256:2222222222222222"), browser.texts("#events tbody td.desired"));
        assertEquals(List.of("drift repaired"), browser.texts("#events tbody td.corrective"));
        assertEquals(60, browser.all("#drift-chart rect").size(), "30 days, two bars each");
        assertEquals(1, browser.all("#reports tbody tr").size());
        browser.screenshot("dashboard-node");

        browser.clickAndWait("#reports tbody a");
        assertEquals(List.of("file[/etc/motd]"), browser.texts("#events tbody td.resource"));
        assertEquals(List.of("content changed"), browser.texts("#events tbody td.message"));
        browser.screenshot("dashboard-report");
        browser.driver().navigate().back();

        browser.clickAndWait(By.linkText("file[/etc/motd]"));
        assertEquals(List.of("n4.example.net"), browser.texts("#drifting tbody td.certname"));
        browser.screenshot("dashboard-resource");
    }

    @Test
    @Order(5)
    void aFailedReleaseShowsWhyAndWhichReleaseStillServes() throws Exception {
        browser.open(dashboard + "nodes/n3.example.net");
        assertEquals("failed", browser.find("#status").getText());
        assertEquals(List.of("wsgi_release[hello]"), browser.texts("#events tbody td.resource"));
        assertEquals(List.of("4c1f0b9e2a71"), browser.texts("#events tbody td.previous"));
        assertEquals(List.of("9d03e6a1c5b8"), browser.texts("#events tbody td.desired"));
        String message = browser.texts("#events tbody td.message").get(0);
        assertTrue(message.startsWith("release 9d03e6a1c5b8 failed its health check; 4c1f0b9e2a71 still serving:"
                + " GET /healthz answered 500 (expected 200):"), message);
        assertTrue(message.contains("database unreachable"), message);
        browser.screenshot("dashboard-release-failed");
    }

    @Test
    @Order(6)
    void theEnvironmentPageShowsWhichCommitTheNodesAreOn() throws Exception {
        browser.open(dashboard + "nodes/n1.example.net");
        browser.clickAndWait(By.linkText("production"));
        assertEquals(List.of("3f9c2e1"), browser.texts("#commits tbody td code"));
        assertEquals("7", browser.find("#commits tbody td:nth-child(2)").getText(), "n2 is on staging");
        assertEquals("None.", browser.find("#no-errors").getText());
        browser.screenshot("dashboard-environment");
    }

    @Test
    @Order(7)
    void markupFromANodeIsShownAsTextAndNeverRuns() throws Exception {
        browser.open(dashboard + "nodes/x1.example.net");
        assertEquals(List.of(XSS), browser.texts("#events tbody td.previous"));
        assertEquals("x1.example.net · Kraftwerk", browser.driver().getTitle(), "no script ran");
        assertTrue(browser.all("#events script, #events img").isEmpty());
    }

    @Test
    @Order(8)
    void anUnknownNodeIsA404PageAndSigningOutEndsTheSession() throws Exception {
        browser.open(dashboard + "nodes/nobody.example.net");
        assertEquals("The master has no node nobody.example.net.", browser.find("p.error").getText());
        browser.open(dashboard);
        browser.clickAndWait("header .logout button");
        browser.open(dashboard);
        assertTrue(browser.driver().getCurrentUrl().endsWith("/dashboard/login"), "signed out");
    }
}
