package io.kraftwerk.model.resource;

import io.kraftwerk.model.validation.AbsolutePath;
import jakarta.validation.constraints.NotNull;

/**
 * TLS for a virtual host. With TLS the vhost listens on 443 and port 80 redirects to https.
 *
 * @param certificate path of the PEM certificate chain
 * @param key         path of the PEM private key
 */
public record TlsSettings(
        @NotNull @AbsolutePath String certificate,
        @NotNull @AbsolutePath String key) {
}
