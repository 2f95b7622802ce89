package io.kraftwerk.master.dashboard;

import io.kraftwerk.master.store.Dumps;
import io.kraftwerk.master.store.Fleet;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the templates show, already formatted: templates only lay things out. */
final class Views {
    private Views() {
    }

    /** A node table row. */
    record NodeView(String certname, String link, String status, String environment, String roles, String version, String lastReport,
                    String age) {
        static NodeView of(Fleet.NodeRow n, Instant now) {
            return new NodeView(n.certname(), "/dashboard/nodes/" + encode(n.certname()), n.status().wire(),
                    n.environment() == null ? "" : n.environment(), String.join(", ", n.roles()), shortVersion(n.catalogVersion()),
                    n.lastReportAt() == null ? "" : n.lastReportAt().toString(), Views.age(n.lastReportAt(), now));
        }
    }

    /** A report row. */
    record ReportView(long id, String link, String start, String age, String status, String mode, String version, String source,
                      int resources, int changes, int failures, int drifts, String duration) {
        static ReportView of(Fleet.ReportRow r, Instant now) {
            return new ReportView(r.id(), "/dashboard/reports/" + r.id(), r.start().toString(), Views.age(r.start(), now), r.status().wire(),
                    r.mode(), shortVersion(r.catalogVersion()), r.catalogSource(), r.resources(), r.changes(), r.failures(), r.drifts(),
                    String.format(Locale.ROOT, "%.1f s", r.durationMillis() / 1000.0));
        }
    }

    /** An event row. */
    record EventView(String resource, String resourceLink, String property, String previous, String desired, String status,
                     boolean corrective, String message) {
        static EventView of(Fleet.EventRow e) {
            return new EventView(e.resource(), "/dashboard/resources?id=" + encode(e.resource()), e.property(),
                    e.previous() == null ? "" : e.previous(), e.desired() == null ? "" : e.desired(), e.status(), e.corrective(),
                    e.message() == null ? "" : e.message());
        }
    }

    /** One bar of the drift chart: x, height and y in the SVG's coordinates, and its tooltip. */
    record Bar(int x, int y, int height, int runY, int runHeight, String title) {
    }

    static List<Bar> chart(List<Fleet.DriftDay> days, int width, int height) {
        int max = Math.max(1, days.stream().mapToInt(Fleet.DriftDay::runs).max().orElse(1));
        int step = width / Math.max(1, days.size());
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            Fleet.DriftDay d = days.get(i);
            int runHeight = d.runs() * height / max;
            int driftHeight = d.driftedRuns() * height / max;
            bars.add(new Bar(i * step, height - driftHeight, driftHeight, height - runHeight, runHeight,
                    d.day() + ": " + d.runs() + " runs, " + d.driftedRuns() + " found drift (" + d.drifts() + " resources)"));
        }
        return bars;
    }

    /** A dump as the node page lists it: what, when, how big, how consistent; never its contents. */
    public record DumpView(String id, String app, String created, String createdAt, String size, String consistency, String parts,
                           String sha256) {
        static DumpView of(Dumps.Row d, Instant now) {
            String parts = String.join(", ", d.parts().stream().map(p -> p.kind().replace('_', ' ') + " " + p.name() + " ("
                    + bytes(p.size()) + ")").toList());
            return new DumpView(d.id().substring(0, 12), d.app(), age(d.createdAt(), now), d.createdAt().toString(), bytes(d.sizeBytes()),
                    d.consistency(), parts, d.sha256().substring(0, 16));
        }
    }

    /** 1.4 GiB, 320 KiB, 12 B. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String shortVersion(String version) {
        return version == null ? "" : version.length() > 12 ? version.substring(0, 12) : version;
    }

    static String age(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        Duration d = Duration.between(then, now);
        if (d.isNegative() || d.toSeconds() < 60) {
            return "just now";
        }
        if (d.toMinutes() < 120) {
            return d.toMinutes() + " min ago";
        }
        if (d.toHours() < 48) {
            return d.toHours() + " h ago";
        }
        return d.toDays() + " days ago";
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A query string from the non-empty parameters, in order. */
    static String query(Map<String, String> parameters) {
        StringBuilder q = new StringBuilder();
        parameters.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                q.append(q.length() == 0 ? "?" : "&").append(k).append('=').append(encode(v));
            }
        });
        return q.toString();
    }

    static Map<String, String> map(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static LocalDate today(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC);
    }
}
