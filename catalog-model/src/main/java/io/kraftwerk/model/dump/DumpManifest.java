package io.kraftwerk.model.dump;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The first entry of a dump archive, {@code kraftwerk-dump.json}: what the dump holds and how to
 * check it. A reader takes nothing from the archive that this does not list with its size and
 * SHA-256, and replaces nothing before every part has matched.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param node          the node it was made on (its certname)
 * @param app           the app whose data it is
 * @param created       when the dump started
 * @param consistency   how the data dirs were read: {@code app stopped} (the app's processes were
 *                      stopped while they were read) or {@code online} (read while the app ran, so
 *                      files written meanwhile may be missing or half-written); databases are always
 *                      one transaction's snapshot ({@code pg_dump})
 * @param parts         the parts, in the archive's order
 */
public record DumpManifest(
        int formatVersion,
        @NotBlank @Size(max = 253) String node,
        @NotNull @Pattern(regexp = "[a-z][a-z0-9_-]{0,31}", message = "must be an app name") String app,
        @NotNull Instant created,
        @NotNull @Pattern(regexp = "app stopped|online", message = "must be 'app stopped' or 'online'") String consistency,
        @NotNull @Size(max = MAX_PARTS) List<@NotNull @Valid DumpPart> parts) {

    public static final int FORMAT_VERSION = 1;
    public static final int MAX_PARTS = 64;
    public static final String CONSISTENT = "app stopped";
    public static final String ONLINE = "online";

    public DumpManifest {
        parts = parts == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(parts));
    }

    /** The bytes of every part together. */
    public long partBytes() {
        return parts.stream().mapToLong(DumpPart::size).sum();
    }

    @JsonIgnore
    @AssertTrue(message = "each part appears once")
    public boolean isEachPartOnce() {
        Set<String> files = new HashSet<>();
        return parts.stream().allMatch(p -> p == null || files.add(p.file()));
    }
}
