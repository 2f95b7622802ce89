package io.kraftwerk.agent.config;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code /etc/kraftwerk/agent.yaml}, which {@code kw-agent bootstrap} writes:
 * <pre>
 *   server: https://master.example.net:8140
 *   certname: web1.example.net
 *   environment: production      # optional: ask for this environment
 *   run_interval: 30m            # daemon: how often to run
 *   state_dir: /var/lib/kraftwerk
 *   dpkg_lock_timeout: 5m        # optional: how long apt waits for another apt or dpkg to finish
 * </pre>
 */
public record AgentConfig(URI server, String certname, String environment, Duration runInterval, Path stateDir,
                          Duration dpkgLockTimeout) {
    public static final Path DEFAULT_FILE = Path.of("/etc/kraftwerk/agent.yaml");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/kraftwerk");
    public static final Duration DEFAULT_DPKG_LOCK_TIMEOUT = Duration.ofMinutes(5);
    private static final List<String> KEYS = List.of("server", "certname", "environment", "run_interval", "state_dir",
            "dpkg_lock_timeout");

    /** Settings with the default dpkg lock timeout. */
    public AgentConfig(URI server, String certname, String environment, Duration runInterval, Path stateDir) {
        this(server, certname, environment, runInterval, stateDir, DEFAULT_DPKG_LOCK_TIMEOUT);
    }
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(s|m|h)");

    /** Reads the file; every problem names the file and the key. */
    public static AgentConfig load(Path file) throws ConfigException {
        if (!Files.exists(file)) {
            throw new ConfigException(file + " does not exist: run 'kw-agent bootstrap --server URL --certname NAME' first");
        }
        Object loaded;
        try {
            loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(file + ": not readable YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new ConfigException(file + ": expected keys such as 'server:' and 'certname:'");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new ConfigException(file + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        String server = required(file, map, "server");
        String certname = required(file, map, "certname");
        URI uri;
        try {
            uri = URI.create(server);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": server: '" + server + "' is not a URL");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigException(file + ": server: '" + server + "' must be an https:// URL such as https://master.example.net:8140");
        }
        Object env = map.get("environment");
        Object interval = map.get("run_interval");
        Object stateDir = map.get("state_dir");
        Object dpkgLock = map.get("dpkg_lock_timeout");
        return new AgentConfig(uri, certname, env == null ? null : String.valueOf(env),
                interval == null ? Duration.ofMinutes(30) : duration(file, "run_interval", String.valueOf(interval)),
                stateDir == null ? DEFAULT_STATE_DIR : Path.of(String.valueOf(stateDir)),
                dpkgLock == null ? DEFAULT_DPKG_LOCK_TIMEOUT : duration(file, "dpkg_lock_timeout", String.valueOf(dpkgLock)));
    }

    /** Writes the file with the given values (bootstrap). */
    public void save(Path file) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("server", server.toString());
        out.put("certname", certname);
        if (environment != null) {
            out.put("environment", environment);
        }
        out.put("run_interval", format(runInterval));
        out.put("state_dir", stateDir.toString());
        if (!dpkgLockTimeout.equals(DEFAULT_DPKG_LOCK_TIMEOUT)) {
            out.put("dpkg_lock_timeout", format(dpkgLockTimeout));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder text = new StringBuilder("# kw-agent settings, written by 'kw-agent bootstrap'\n");
        out.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    private static String required(Path file, Map<?, ?> map, String key) throws ConfigException {
        Object value = map.get(key);
        if (value == null || String.valueOf(value).isBlank()) {
            throw new ConfigException(file + ": missing '" + key + ":'");
        }
        return String.valueOf(value);
    }

    /** A duration as agent.yaml writes it: 1h, 30m or 90s. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    static Duration duration(Path file, String key, String text) throws ConfigException {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new ConfigException(file + ": " + key + ": '" + text + "' is not a duration such as 30m, 1h or 90s");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** A configuration problem, with the file and key in the message. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message);
        }
    }
}
