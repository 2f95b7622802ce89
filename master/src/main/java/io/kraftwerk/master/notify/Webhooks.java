package io.kraftwerk.master.notify;

import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Fields;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.master.manifest.YamlReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The webhooks file ({@code DATA/webhooks.yaml}, or {@code serve --webhooks FILE}):
 *
 * <pre>
 * webhooks:
 *   - name: ops
 *     url: https://alerts.example.net/kraftwerk
 *     secret_file: /etc/kraftwerk/ops.secret      # the HMAC key: 32 bytes or more, readable by the master's user only
 *     events: [node_failed, rollout_halted]       # default: every alert
 * </pre>
 *
 * Checked whole before the master starts: a mistake is an error at its line, never a webhook that
 * silently does not fire.
 */
public final class Webhooks {
    static final List<String> KEYS = List.of("name", "url", "secret_file", "events");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final int MIN_SECRET_BYTES = 32;

    private Webhooks() {
    }

    /** The webhooks of {@code file}; none when it does not exist. */
    public static List<Webhook> load(Path file) throws ManifestException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ManifestException(new Diagnostic(Location.ofFile(source), "cannot read the webhooks file: " + e.getMessage(), null));
        }
        Diagnostics diagnostics = new Diagnostics();
        Fields fields = new Fields(diagnostics);
        YNode root = YamlReader.read(source, bytes);
        List<Webhook> hooks = new ArrayList<>();
        if (!(root instanceof YMap map) || map.get("webhooks").isEmpty()) {
            throw new ManifestException(new Diagnostic(Location.ofFile(source), "the webhooks file is a map with a 'webhooks' list",
                    "write 'webhooks:' and under it '- name: ops', 'url: https://...', 'secret_file: /etc/kraftwerk/ops.secret'"));
        }
        fields.onlyKeys(map, List.of("webhooks"), "key");
        Set<String> names = new HashSet<>();
        fields.list(map, "webhooks").ifPresent(list -> list.items().forEach(item -> {
            if (!(item instanceof YMap hook)) {
                diagnostics.error(item.location(), "each webhook is a map, not " + item.describe(), null);
                return;
            }
            fields.onlyKeys(hook, KEYS, "webhook key");
            int before = diagnostics.count();
            String name = required(fields, hook, "name", diagnostics);
            if (name != null && !NAME.matcher(name).matches()) {
                diagnostics.error(hook.get("name").orElseThrow().location(), "invalid webhook name '" + name + "'",
                        "lowercase letters, digits, '_' and '-', at most 64");
            } else if (name != null && !names.add(name)) {
                diagnostics.error(hook.get("name").orElseThrow().location(), "webhook '" + name + "' is named twice", "name each once");
            }
            URI url = url(fields, hook, diagnostics);
            byte[] secret = secret(fields, hook, file, diagnostics);
            Set<AlertType> events = EnumSet.allOf(AlertType.class);
            List<YScalar> listed = fields.stringList(hook, "events");
            if (!listed.isEmpty()) {
                events = EnumSet.noneOf(AlertType.class);
                for (YScalar e : listed) {
                    var type = AlertType.parse(e.text());
                    if (type.isEmpty()) {
                        diagnostics.error(e.location(), "unknown event '" + e.text() + "'", "one of " + String.join(", ",
                                EnumSet.allOf(AlertType.class).stream().map(AlertType::wire).toList()));
                    } else {
                        events.add(type.get());
                    }
                }
            }
            if (diagnostics.count() == before) {
                hooks.add(new Webhook(name, url, secret, events));
            }
        }));
        if (diagnostics.hasErrors()) {
            throw new ManifestException(diagnostics.sorted());
        }
        return List.copyOf(hooks);
    }

    private static String required(Fields fields, YMap hook, String key, Diagnostics diagnostics) {
        var value = fields.scalar(hook, key);
        if (value.isEmpty() && hook.get(key).isEmpty()) {
            diagnostics.error(hook.location(), "a webhook needs '" + key + "'", null);
        }
        return value.map(YScalar::text).orElse(null);
    }

    private static URI url(Fields fields, YMap hook, Diagnostics diagnostics) {
        String text = required(fields, hook, "url", diagnostics);
        if (text == null) {
            return null;
        }
        try {
            URI url = new URI(text);
            if (url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getUserInfo() != null) {
                throw new URISyntaxException(text, "not an http(s) URL with a host and without user:password");
            }
            return url;
        } catch (URISyntaxException e) {
            diagnostics.error(hook.get("url").orElseThrow().location(), "'" + text + "' is not a webhook URL: " + e.getReason(),
                    "write e.g. https://alerts.example.net/kraftwerk (credentials go in the signature, not the URL)");
            return null;
        }
    }

    private static byte[] secret(Fields fields, YMap hook, Path config, Diagnostics diagnostics) {
        String text = required(fields, hook, "secret_file", diagnostics);
        if (text == null) {
            return null;
        }
        Location where = hook.get("secret_file").orElseThrow().location();
        Path file = config.toAbsolutePath().getParent().resolve(text);
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                diagnostics.error(where, "the secret file " + file + " may be read by others than its owner",
                        "chmod 600 " + file + " (it signs every alert: whoever reads it can forge them)");
                return null;
            }
            byte[] secret = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_SECRET_BYTES) {
                diagnostics.error(where, "the secret in " + file + " is " + secret.length + " bytes; at least " + MIN_SECRET_BYTES
                        + " are needed", "make one with 'head -c 32 /dev/urandom | base64 > " + file + "'");
                return null;
            }
            return secret;
        } catch (IOException | UnsupportedOperationException e) {
            diagnostics.error(where, "cannot read the secret file " + file + ": " + e.getMessage(), null);
            return null;
        }
    }
}
