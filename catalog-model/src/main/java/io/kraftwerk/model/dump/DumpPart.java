package io.kraftwerk.model.dump;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * One part of an app's dump: a data dir as a tar file, or a database as a {@code pg_dump} archive in
 * custom format.
 *
 * @param kind   what it holds
 * @param name   the data dir's folder name (uploads) or the database's name
 * @param source where it was read: the data dir's path, or the database's name
 * @param file   its entry in the archive: {@code data_dir/NAME.tar} or {@code database/NAME.pgdump}
 * @param size   its bytes
 * @param sha256 the SHA-256 of its bytes, hex
 */
public record DumpPart(
        @NotNull Kind kind,
        @NotNull @Pattern(regexp = "[a-z0-9_][a-z0-9_-]{0,63}", message = "must be a data dir or database name") String name,
        @NotNull @Size(min = 1, max = 4096) String source,
        @NotNull String file,
        @PositiveOrZero long size,
        @NotNull @Pattern(regexp = "[0-9a-f]{64}", message = "must be a SHA-256 digest (64 lowercase hex digits)") String sha256) {

    /** What a part holds. */
    public enum Kind {
        @JsonProperty("data_dir") DATA_DIR,
        @JsonProperty("database") DATABASE
    }

    /** The entry a part of this kind and name has, and the only one it may have. */
    public static String fileOf(Kind kind, String name) {
        return kind == Kind.DATA_DIR ? "data_dir/" + name + ".tar" : "database/" + name + ".pgdump";
    }

    @JsonIgnore
    @AssertTrue(message = "a part's file is data_dir/NAME.tar or database/NAME.pgdump, by its kind and name")
    public boolean isFileItsKindAndName() {
        return kind == null || name == null || fileOf(kind, name).equals(file);
    }
}
