package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.testkit.MasterProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The dashboard as a browser session uses it, without a browser: signed in with the admin token, its cookie sent back. */
record DashboardSession(MasterProcess master, HttpClient client, String cookie) {
    static DashboardSession signIn(MasterProcess master, HttpClient client) throws Exception {
        HttpRequest login = HttpRequest.newBuilder(URI.create(master.url("localhost") + "/dashboard/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(master.adminToken(), StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response = client.send(login, HttpResponse.BodyHandlers.ofString());
        assertEquals(303, response.statusCode(), response.body());
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        return new DashboardSession(master, client, cookie);
    }

    String get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(master.url("localhost") + path)).header("Cookie", cookie).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    HttpResponse<String> post(String path, String form) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(master.url("localhost") + path)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
