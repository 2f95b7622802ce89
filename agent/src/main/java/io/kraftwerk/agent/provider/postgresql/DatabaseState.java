package io.kraftwerk.agent.provider.postgresql;

import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import java.io.IOException;
import java.util.List;

/**
 * A database and its owner role as the server's catalogs have them, read in one query that always
 * answers one row (NULLs where they do not exist). It also asks the server for its own name of the
 * wanted encoding ({@code utf8}, {@code UNICODE} and {@code UTF8} are one encoding), empty when it
 * knows none of that name.
 *
 * @param exists         whether the database exists
 * @param owner          the database's owner
 * @param encoding       the database's encoding, as the server names it
 * @param collate        its LC_COLLATE
 * @param ctype          its LC_CTYPE
 * @param roleExists     whether the wanted owner role exists
 * @param login          whether that role may log in
 * @param verifier       that role's stored password (a SCRAM verifier, an MD5 hash, or null for none)
 * @param wantedEncoding the server's name for the resource's encoding; empty when it knows no such encoding
 * @param powers         what the owner role may do beyond its own databases (superuser, createrole, createdb,
 *                       bypassrls, replication, membership in the roles that reach the server's files and
 *                       programs), comma-separated; empty when nothing
 */
public record DatabaseState(boolean exists, String owner, String encoding, String collate, String ctype, boolean roleExists,
        boolean login, String verifier, String wantedEncoding, String powers) {

    /** The predefined roles whose members reach the server's files and programs, as superusers do. */
    static final List<String> SERVER_ROLES = List.of("pg_execute_server_program", "pg_write_server_files", "pg_read_server_files");

    static final String QUERY = """
            SELECT d.oid IS NOT NULL, pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype,
                   r.oid IS NOT NULL, r.rolcanlogin, r.rolpassword, pg_encoding_to_char(pg_char_to_encoding(:'encoding')),
                   concat_ws(', ', CASE WHEN r.rolsuper THEN 'superuser' END, CASE WHEN r.rolcreaterole THEN 'createrole' END,
                       CASE WHEN r.rolcreatedb THEN 'createdb' END, CASE WHEN r.rolbypassrls THEN 'bypassrls' END,
                       CASE WHEN r.rolreplication THEN 'replication' END,
                       CASE WHEN r.oid IS NOT NULL AND NOT r.rolsuper AND pg_has_role(r.oid, 'pg_execute_server_program', 'MEMBER')
                            THEN 'pg_execute_server_program' END,
                       CASE WHEN r.oid IS NOT NULL AND NOT r.rolsuper AND pg_has_role(r.oid, 'pg_write_server_files', 'MEMBER')
                            THEN 'pg_write_server_files' END,
                       CASE WHEN r.oid IS NOT NULL AND NOT r.rolsuper AND pg_has_role(r.oid, 'pg_read_server_files', 'MEMBER')
                            THEN 'pg_read_server_files' END)
            FROM (VALUES (1)) AS one
            LEFT JOIN pg_database d ON d.datname = :'name'
            LEFT JOIN pg_authid r ON r.rolname = :'owner';
            """;
    private static final int FIELDS = 10;

    /** What the server holds of the database and its owner role now. */
    public static DatabaseState read(PostgresqlDatabaseResource db, Psql psql, ProviderContext context) throws IOException, ProviderException {
        String out = psql.run("cannot read database " + db.name(), Psql.variables("name", db.name(), "owner", db.owner(),
                "encoding", db.encoding()), QUERY, false, context);
        return parse(out);
    }

    static DatabaseState parse(String stdout) throws ProviderException {
        List<List<String>> rows = Psql.rows(stdout, FIELDS);
        if (rows.size() != 1) {
            throw new ProviderException("psql answered " + rows.size() + " rows where one was asked for (this is a Kraftwerk bug,"
                    + " please report it)");
        }
        List<String> r = rows.get(0);
        return new DatabaseState("t".equals(r.get(0)), r.get(1), r.get(2), r.get(3), r.get(4), "t".equals(r.get(5)),
                "t".equals(r.get(6)), r.get(7).isEmpty() ? null : r.get(7), r.get(8), r.get(9));
    }

    /** The locale as one value when collation and character classes agree (createdb --locale sets both). */
    String locale() {
        return collate.equals(ctype) ? collate : "collate " + collate + ", ctype " + ctype;
    }

    /** Never the stored password, even as a verifier: this may end up in a log. */
    @Override
    public String toString() {
        return "DatabaseState[exists=" + exists + ", owner=" + owner + ", encoding=" + encoding + ", locale=" + locale()
                + ", roleExists=" + roleExists + ", login=" + login + ", powers=" + powers + ", password=" + (verifier == null ? "none"
                : "(sensitive)") + "]";
    }
}
