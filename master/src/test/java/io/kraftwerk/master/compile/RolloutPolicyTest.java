package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kraftwerk.master.manifest.ManifestFiles;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which nodes are canaries: the policy's nodes that report, the same ones for every commit. */
class RolloutPolicyTest {
    private static RolloutPolicy policy(String rollout) {
        Site site = SiteParser.parse(ManifestFiles.ofContent(Map.of(
                "site.yaml", ("apiVersion: kraftwerk/v1\nkind: Site\nrollout:\n" + rollout + "nodes:\n  - glob: '*'\n    roles: [web]\n")
                        .getBytes(StandardCharsets.UTF_8),
                "roles/web.yaml", "apiVersion: kraftwerk/v1\nkind: Role\nresources: {}\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of(), site.problems());
        return site.rollout();
    }

    private static List<FleetNode> fleet(int n) {
        List<FleetNode> nodes = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            nodes.add(new FleetNode("web" + i + ".example.net", "production", List.of(i % 2 == 0 ? "web" : "api"), null,
                    i == 3 ? FleetNode.Standing.UNRESPONSIVE : i == 4 ? FleetNode.Standing.FAILED : FleetNode.Standing.REPORTING));
        }
        return nodes;
    }

    @Test
    void namesGlobsAndRolesPickThePolicysNodesThatReportFailingOnesIncluded() {
        assertEquals(List.of("web2.example.net", "web4.example.net"),
                policy("  canary: {nodes: [web4.example.net, web3.example.net, web2.example.net]}\n").canaries(fleet(10)),
                "web3 is silent: it cannot show anything; web4 failed its last run: the next commit may be its fix");
        assertEquals(List.of("web1.example.net", "web10.example.net"), policy("  canary: {glob: 'web1*.example.net'}\n").canaries(fleet(10)));
        assertEquals(List.of("web10.example.net", "web2.example.net", "web4.example.net", "web6.example.net", "web8.example.net"),
                policy("  canary: {role: web}\n").canaries(fleet(10)));
    }

    @Test
    void aPercentageIsAtLeastOneNodeAndTheSameNodesWhateverTheOrder() {
        RolloutPolicy tenth = policy("  canary: {percent: 10}\n  within: 2h\n");
        assertEquals(Duration.ofHours(2), tenth.within());
        assertEquals("10% of the nodes, within 2h", tenth.describe());
        List<String> chosen = tenth.canaries(fleet(100));
        assertEquals(10, chosen.size(), "10% of the 99 that report, rounded up");
        List<FleetNode> reversed = new ArrayList<>(fleet(100));
        Collections.reverse(reversed);
        assertEquals(chosen, tenth.canaries(reversed));
        assertEquals(chosen.subList(0, 0), tenth.canaries(List.of()));
        assertEquals(1, tenth.canaries(fleet(2)).size(), "a share of a small fleet is still one node");
        assertEquals("1h", policy("  canary: {percent: 5}\n").describe().replaceAll(".*within ", ""), "the default limit");
    }

    @Test
    void aSiteWithoutRolloutHasNone() {
        Site site = SiteParser.parse(ManifestFiles.ofContent(Map.of("site.yaml",
                "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n  - glob: '*'\n".getBytes(StandardCharsets.UTF_8))));
        assertNull(site.rollout());
    }
}
