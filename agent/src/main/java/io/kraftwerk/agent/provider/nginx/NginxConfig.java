package io.kraftwerk.agent.provider.nginx;

import io.kraftwerk.model.resource.NginxVhostResource;
import java.util.Map;

/**
 * Renders a vhost: an upstream for the backends, the main server (static locations, then the
 * proxy), and a server answering redirect domains with a permanent redirect to the main domain.
 * With TLS the main server listens on 443 and plain HTTP redirects to it. Paths are quoted; names
 * and sizes are already restricted by the model's constraints.
 */
public final class NginxConfig {
    private NginxConfig() {
    }

    public static String render(NginxVhostResource v) {
        StringBuilder s = new StringBuilder("# Managed by Kraftwerk: ").append(v.id())
                .append(". Local changes are reverted.\n");
        String upstream = "kw_" + v.name().replaceAll("[^A-Za-z0-9]", "_");
        if (!v.upstream().isEmpty()) {
            s.append("upstream ").append(upstream).append(" {\n");
            v.upstream().forEach(server -> s.append("    server ").append(server).append(";\n"));
            s.append("}\n\n");
        }
        boolean tls = v.tls() != null;
        String scheme = tls ? "https" : "http";
        s.append("server {\n");
        if (tls) {
            s.append("    listen 443 ssl;\n");
            s.append("    ssl_certificate ").append(quote(v.tls().certificate())).append(";\n");
            s.append("    ssl_certificate_key ").append(quote(v.tls().key())).append(";\n");
        } else {
            s.append("    listen ").append(v.listen()).append(";\n");
        }
        s.append("    server_name ").append(String.join(" ", v.serverNames())).append(";\n");
        s.append("    client_max_body_size ").append(v.clientMaxBodySize()).append(";\n");
        for (Map.Entry<String, String> location : v.staticLocations().entrySet()) {
            String alias = location.getKey().endsWith("/") ? location.getValue() + "/" : location.getValue();
            s.append("\n    location ").append(location.getKey()).append(" {\n")
                    .append("        alias ").append(quote(alias)).append(";\n")
                    .append("    }\n");
        }
        if (!v.upstream().isEmpty()) {
            s.append("\n    location / {\n")
                    .append("        proxy_pass http://").append(upstream).append(";\n")
                    .append("        proxy_set_header Host $host;\n")
                    .append("        proxy_set_header X-Real-IP $remote_addr;\n")
                    .append("        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n")
                    .append("        proxy_set_header X-Forwarded-Proto $scheme;\n")
                    .append("        proxy_redirect off;\n")
                    .append("    }\n");
        }
        s.append("}\n");
        if (!v.redirectDomains().isEmpty() || tls) {
            s.append("\nserver {\n");
            s.append("    listen ").append(v.listen()).append(";\n");
            if (tls) {
                s.append("    listen 443 ssl;\n");
                s.append("    ssl_certificate ").append(quote(v.tls().certificate())).append(";\n");
                s.append("    ssl_certificate_key ").append(quote(v.tls().key())).append(";\n");
            }
            StringBuilder names = new StringBuilder(String.join(" ", v.redirectDomains()));
            if (tls) {
                // plain HTTP for the main names goes to https too
                v.serverNames().forEach(n -> names.append(names.length() == 0 ? "" : " ").append(n));
            }
            s.append("    server_name ").append(names).append(";\n");
            if (tls && !v.redirectDomains().isEmpty()) {
                s.append("    if ($server_port = 443) {\n")
                        .append("        return 301 https://").append(v.mainDomain()).append("$request_uri;\n")
                        .append("    }\n");
            }
            s.append("    return 301 ").append(scheme).append("://").append(v.mainDomain()).append("$request_uri;\n");
            s.append("}\n");
        }
        return s.toString();
    }

    /** An nginx quoted string: backslashes and double quotes escaped. */
    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
