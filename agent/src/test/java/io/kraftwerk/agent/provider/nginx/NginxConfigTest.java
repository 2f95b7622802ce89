package io.kraftwerk.agent.provider.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.resource.TlsSettings;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NginxConfigTest {

    @Test
    void rendersUpstreamStaticLocationsAndForwardDomains() {
        NginxVhostResource v = new NginxVhostResource("shop.example.net", null, List.of("shop.example.net"),
                List.of("www.shop.example.net"), null, List.of("unix:/run/shop/gunicorn.sock", "10.0.0.5:8001"),
                new TreeMap<>(Map.of("/static/", "/srv/shop/static", "/favicon.ico", "/srv/shop/static/favicon.ico")), "20m", null);
        assertEquals("""
                # Managed by Kraftwerk: nginx_vhost[shop.example.net]. Local changes are reverted.
                upstream kw_shop_example_net {
                    server unix:/run/shop/gunicorn.sock;
                    server 10.0.0.5:8001;
                }

                server {
                    listen 80;
                    server_name shop.example.net;
                    client_max_body_size 20m;

                    location /favicon.ico {
                        alias "/srv/shop/static/favicon.ico";
                    }

                    location /static/ {
                        alias "/srv/shop/static/";
                    }

                    location / {
                        proxy_pass http://kw_shop_example_net;
                        proxy_set_header Host $host;
                        proxy_set_header X-Real-IP $remote_addr;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_redirect off;
                    }
                }

                server {
                    listen 80;
                    server_name www.shop.example.net;
                    return 301 http://shop.example.net$request_uri;
                }
                """, NginxConfig.render(v));
    }

    @Test
    void withTlsServesHttpsAndRedirectsPlainHttp() {
        NginxVhostResource v = new NginxVhostResource("s", null, List.of("s.example.net"), List.of(), null,
                List.of("127.0.0.1:8000"), new TreeMap<>(), null, new TlsSettings("/etc/ssl/s \"x\".crt", "/etc/ssl/s.key"));
        String config = NginxConfig.render(v);
        assertEquals(true, config.contains("    listen 443 ssl;\n    ssl_certificate \"/etc/ssl/s \\\"x\\\".crt\";\n"), config);
        assertEquals(true, config.contains("server {\n    listen 80;\n    listen 443 ssl;\n"), config);
        assertEquals(true, config.contains("    server_name s.example.net;\n    return 301 https://s.example.net$request_uri;\n"), config);
    }
}
