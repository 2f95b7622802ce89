package io.kraftwerk.master.notify;

import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.Deliveries;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Sends queued alerts: a JSON POST to the webhook's URL with {@code Kraftwerk-Event},
 * {@code Kraftwerk-Delivery} and the {@link Signature} header; any 2xx is delivered. Otherwise it is
 * tried again after {@code kraftwerk.master.webhook-retry} (10 s), then three times longer each time
 * (at most an hour), eight attempts in all; the delivery log keeps every outcome. Redirects are not
 * followed (a signed alert goes where it was configured to go, nowhere else).
 */
@ApplicationScoped
public class Dispatcher {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    static final int MAX_ATTEMPTS = 8;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Deliveries taken at once: each may take a connect and an answer timeout, all within the lease. */
    static final int BATCH = 4;
    static final Duration LEASE = TIMEOUT.multipliedBy(2L * BATCH).plus(Duration.ofSeconds(40));
    private static final String USER_AGENT = "kraftwerk-master/" + Optional.ofNullable(Dispatcher.class.getPackage().getImplementationVersion())
            .orElse("development");

    @Inject
    Notifier notifier;

    @Inject
    Deliveries deliveries;

    @Inject
    MasterConfig config;

    Clock clock = Clock.systemUTC();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Scheduled(every = "2s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void send() {
        if (notifier.webhooks().isEmpty()) {
            return;
        }
        try {
            for (Deliveries.Due due : deliveries.claim(clock.instant(), LEASE, BATCH,
                    notifier.webhooks().stream().map(Webhook::name).toList())) {
                attempt(due);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not send the queued alerts; trying again in 2 s");
        }
    }

    private void attempt(Deliveries.Due due) {
        Optional<Webhook> hook = notifier.webhooks().stream().filter(w -> w.name().equals(due.webhook())).findFirst();
        Instant now = clock.instant();
        if (hook.isEmpty()) {
            return; // not one of this master's webhooks: claim() takes only those, so another master's stays its own
        }
        byte[] body = due.payload().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(hook.get().url()).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header("Kraftwerk-Event", due.alertType())
                .header("Kraftwerk-Delivery", String.valueOf(due.id()))
                .header(Signature.HEADER, Signature.header(hook.get().secret(), now.getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        Integer status = null;
        String error = null;
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            if (status >= 200 && status < 300) {
                deliveries.attempted(due, clock.instant(), status, null, true, null);
                return;
            }
            error = "answered " + status;
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        int attempts = due.attempts() + 1;
        Instant next = attempts >= MAX_ATTEMPTS ? null : clock.instant().plus(backoff(config.webhookRetry(), attempts));
        deliveries.attempted(due, clock.instant(), status, error, false, next);
        if (next == null) {
            LOG.warnf("gave up alert delivery %d to webhook %s after %d attempts: %s", due.id(), due.webhook(), attempts, error);
        }
    }

    /** The wait after the {@code attempt}-th failure: first, then three times longer each time, at most an hour. */
    static Duration backoff(Duration first, int attempt) {
        Duration wait = first;
        for (int i = 1; i < attempt && wait.compareTo(Duration.ofHours(1)) < 0; i++) {
            wait = wait.multipliedBy(3);
        }
        return wait.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : wait;
    }
}
