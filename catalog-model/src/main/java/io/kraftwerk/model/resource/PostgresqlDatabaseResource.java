package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.SqlName;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A database of the node's PostgreSQL server and the login role that owns it, for an app. The agent
 * works as the {@code postgres} user over the server's Unix socket (psql and createdb, argument
 * lists, values passed as psql variables), so it needs no password of its own.
 *
 * @param name     the database (title)
 * @param ensure   {@code present} (default), or {@code absent}: the database is dropped, with every
 *                 row in it, and only with {@code force: true}; its owner role stays (other databases
 *                 may use it)
 * @param owner    the role that owns it (default: the database's name), created as a login role
 *                 that is neither superuser nor allowed to create databases or roles
 * @param password the owner's password, kept by the server as a SCRAM-SHA-256 verifier; always
 *                 secret. Without it the role has none and connects only as the same-named user
 *                 over the socket (peer)
 * @param encoding the encoding it is created with (default UTF8); a database cannot change its
 *                 encoding, so a different one is drift the agent reports and refuses to "fix"
 * @param locale   the collation and character classification it is created with (default: the
 *                 server's); fixed at creation like the encoding
 * @param port     the server's port (default 5432), which also names its socket
 * @param force    with {@code absent}: yes, drop the database and its data
 */
@Sensitivity(protects = "password", always = true)
public record PostgresqlDatabaseResource(
        @NotNull @SqlName String name,
        @NotNull Ensure ensure,
        @NotNull @SqlName String owner,
        @Size(min = 1, max = 1024) @Pattern(regexp = "[^\\x00]*", message = "must not hold a NUL character") String password,
        @NotNull @Pattern(regexp = "[A-Za-z][A-Za-z0-9_]{0,31}", message = "must be a PostgreSQL encoding name such as UTF8 or LATIN1") String encoding,
        @Pattern(regexp = "[A-Za-z][A-Za-z0-9_.@-]{0,63}", message = "must be a locale name such as C.UTF-8 or en_US.UTF-8") String locale,
        @NotNull @Min(1) @Max(65535) Integer port,
        boolean force) implements Resource {

    public static final String DEFAULT_ENCODING = "UTF8";
    public static final int DEFAULT_PORT = 5432;
    /** The Unix socket directory Debian's server listens in (the agent and the apps connect there). */
    public static final String SOCKET_DIRECTORY = "/var/run/postgresql";

    public PostgresqlDatabaseResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        owner = owner == null ? name : owner;
        encoding = encoding == null ? DEFAULT_ENCODING : encoding;
        port = port == null ? DEFAULT_PORT : port;
    }

    @Override
    public String title() {
        return name;
    }

    @JsonIgnore
    @AssertTrue(message = "ensure: absent drops the database with every row in it: say 'force: true' to mean it")
    public boolean isForcedWhenAbsent() {
        return ensure != Ensure.ABSENT || force;
    }

    @JsonIgnore
    @AssertTrue(message = "'force' only goes with ensure: absent (it allows the drop)")
    public boolean isForceOnlyWhenAbsent() {
        return ensure == Ensure.ABSENT || !force;
    }

    /** Hides the password from anything that prints the record. */
    @Override
    public String toString() {
        return "PostgresqlDatabaseResource[name=" + name + ", ensure=" + ensure + ", owner=" + owner
                + ", password=" + (password == null ? "none" : "(sensitive)") + ", encoding=" + encoding + ", locale=" + locale
                + ", port=" + port + ", force=" + force + "]";
    }
}
