package io.kraftwerk.master.notify;

import java.net.URI;
import java.util.Set;

/**
 * Where alerts go: a URL that receives each as a JSON POST signed with the webhook's secret.
 *
 * @param name   how the delivery log names it
 * @param secret the HMAC-SHA256 key of the signature header
 * @param events the alerts it wants
 */
public record Webhook(String name, URI url, byte[] secret, Set<AlertType> events) {
}
