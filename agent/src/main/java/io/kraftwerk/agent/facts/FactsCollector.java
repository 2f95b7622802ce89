package io.kraftwerk.agent.facts;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.exec.CommandRunner;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gathers what the master needs to know about this node: {@code kw-agent facts}. The shape is the
 * one manifests read as {@code ${facts.os.codename}} and that facts fixtures use.
 */
public final class FactsCollector {
    private static final Pattern PYTHON_VERSION = Pattern.compile("Python (\\S+)");
    private static final Pattern NGINX_VERSION = Pattern.compile("nginx/(\\S+)");

    private final Path root;
    private final CommandRunner runner;

    /**
     * @param root   the file system root to read from ({@code /}, or a test tree)
     * @param runner runs {@code python3 --version} and {@code nginx -v}
     */
    public FactsCollector(Path root, CommandRunner runner) {
        this.root = root;
        this.runner = runner;
    }

    public Map<String, Object> collect() {
        Map<String, Object> facts = new TreeMap<>();
        String hostname = read("proc/sys/kernel/hostname").map(String::strip).orElse("localhost");
        facts.put("hostname", hostname.contains(".") ? hostname.substring(0, hostname.indexOf('.')) : hostname);
        facts.put("fqdn", fqdn(hostname));
        facts.put("os", osRelease());
        facts.put("kernel", Map.of("name", "Linux",
                "release", read("proc/sys/kernel/osrelease").map(String::strip).orElse("unknown")));
        facts.put("architecture", debianArchitecture(System.getProperty("os.arch")));
        facts.put("processors", Map.of("count", Runtime.getRuntime().availableProcessors()));
        facts.put("memory", Map.of("total_bytes", memoryTotal()));
        facts.put("networking", networking());
        facts.put("python3", tool("usr/bin/python3", List.of("--version"), PYTHON_VERSION));
        facts.put("nginx", tool("usr/sbin/nginx", List.of("-v"), NGINX_VERSION));
        facts.put("runit", Map.of("installed", Files.isExecutable(root.resolve("usr/bin/runsvdir"))));
        return facts;
    }

    private Optional<String> read(String relative) {
        try {
            return Optional.of(Files.readString(root.resolve(relative), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The name /etc/hosts (or DNS) gives this host; the bare hostname when it knows no better. */
    private static String fqdn(String hostname) {
        if (hostname.contains(".")) {
            return hostname;
        }
        try {
            String canonical = InetAddress.getByName(hostname).getCanonicalHostName();
            return canonical.contains(".") && !canonical.matches("[0-9.:]+") ? canonical : hostname;
        } catch (IOException e) {
            return hostname;
        }
    }

    private Map<String, Object> osRelease() {
        Map<String, String> fields = new LinkedHashMap<>();
        read("etc/os-release").ifPresent(text -> text.lines().forEach(line -> {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
            }
        }));
        Map<String, Object> os = new TreeMap<>();
        os.put("id", fields.getOrDefault("ID", "linux"));
        os.put("version_id", fields.getOrDefault("VERSION_ID", ""));
        os.put("codename", fields.getOrDefault("VERSION_CODENAME", ""));
        os.put("pretty_name", fields.getOrDefault("PRETTY_NAME", "Linux"));
        return os;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'")) && value.endsWith(value.substring(0, 1))) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }

    private long memoryTotal() {
        return read("proc/meminfo").flatMap(text -> text.lines().filter(l -> l.startsWith("MemTotal:")).findFirst())
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
    }

    /** dpkg's names: amd64, arm64, i386, armhf. */
    static String debianArchitecture(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "i386";
            case "arm" -> "armhf";
            default -> javaArch;
        };
    }

    private static Map<String, Object> networking() {
        List<String> addresses = new ArrayList<>();
        String primary = null;
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address.isLinkLocalAddress()) {
                        continue;
                    }
                    String text = canonical(address.getHostAddress().replaceAll("%.*", ""));
                    addresses.add(text);
                    if (primary == null && address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        primary = text;
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to report
        }
        Collections.sort(addresses);
        Map<String, Object> networking = new TreeMap<>();
        networking.put("addresses", addresses);
        networking.put("ip", primary == null ? "127.0.0.1" : primary);
        return networking;
    }

    /** IPv6 as people write it (RFC 5952): the longest run of zero groups becomes "::". */
    static String canonical(String address) {
        if (!address.contains(":")) {
            return address;
        }
        String[] groups = address.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        if (bestStart < 0) {
            return address;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private Map<String, Object> tool(String relative, List<String> args, Pattern versionPattern) {
        Path program = root.resolve(relative);
        Map<String, Object> fact = new TreeMap<>();
        boolean installed = Files.isExecutable(program);
        fact.put("installed", installed);
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(args);
        fact.put("version", installed ? version(argv, versionPattern).orElse(null) : null);
        return fact;
    }

    private Optional<String> version(List<String> argv, Pattern pattern) {
        if (!Files.isExecutable(Path.of(argv.get(0)))) {
            return Optional.empty();
        }
        try {
            CommandResult result = runner.run(argv);
            Matcher m = pattern.matcher(result.stdout() + result.stderr());
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
