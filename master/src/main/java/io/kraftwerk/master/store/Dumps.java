package io.kraftwerk.master.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.kraftwerk.master.store.entity.StoredDump;
import io.kraftwerk.model.json.ModelJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;

/** The dumps nodes pushed, newest first: metadata only (the bytes are the dump store's). */
@ApplicationScoped
public class Dumps {
    @Inject
    Session session;

    /** One part of a dump, as listed (never where it was read on the node: that is the node's business). */
    public record Part(String kind, String name, long size, String sha256) {
    }

    /** A stored dump, as the API, the agent and the dashboard list it. */
    public record Row(String id, String certname, String app, String environment, Instant createdAt, Instant storedAt, long sizeBytes,
                      String sha256, String consistency, List<Part> parts, int chunks) {
    }

    @Transactional
    public void add(Row row) {
        StoredDump d = new StoredDump();
        d.id = row.id();
        d.certname = row.certname();
        d.app = row.app();
        d.environment = row.environment();
        d.createdAt = row.createdAt();
        d.storedAt = row.storedAt();
        d.sizeBytes = row.sizeBytes();
        d.sha256 = row.sha256();
        d.consistency = row.consistency();
        try {
            d.parts = ModelJson.mapper().writeValueAsString(row.parts());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a dump's parts (this is a Kraftwerk bug, please report it)", e);
        }
        d.chunks = row.chunks();
        session.persist(d);
    }

    /** The node's dumps of the app, newest first. */
    @Transactional
    public List<Row> of(String certname, String app) {
        return rows(session.createSelectionQuery("from StoredDump d where d.certname = :c and d.app = :a order by d.storedAt desc, d.id",
                StoredDump.class).setParameter("c", certname).setParameter("a", app).getResultList());
    }

    /** Every dump of the node, newest first (the dashboard's node page). */
    @Transactional
    public List<Row> ofNode(String certname) {
        return rows(session.createSelectionQuery("from StoredDump d where d.certname = :c order by d.storedAt desc, d.id", StoredDump.class)
                .setParameter("c", certname).getResultList());
    }

    @Transactional
    public Optional<Row> byId(String id) {
        return Optional.ofNullable(session.find(StoredDump.class, id)).map(Dumps::row);
    }

    /** Every dump stored before {@code before}, oldest first. */
    @Transactional
    public List<Row> storedBefore(Instant before) {
        return rows(session.createSelectionQuery("from StoredDump d where d.storedAt < :t order by d.storedAt", StoredDump.class)
                .setParameter("t", before).getResultList());
    }

    /** Forgets a dump; true when it was there. */
    @Transactional
    public boolean remove(String id) {
        return session.createMutationQuery("delete from StoredDump d where d.id = :id").setParameter("id", id).executeUpdate() > 0;
    }

    private static List<Row> rows(List<StoredDump> dumps) {
        List<Row> out = new ArrayList<>(dumps.size());
        dumps.forEach(d -> out.add(row(d)));
        return out;
    }

    private static Row row(StoredDump d) {
        List<Part> parts;
        try {
            parts = ModelJson.mapper().readValue(d.parts, new TypeReference<List<Part>>() { });
        } catch (JsonProcessingException e) {
            parts = List.of(); // written by this class; unreadable only if edited by hand
        }
        return new Row(d.id, d.certname, d.app, d.environment, d.createdAt, d.storedAt, d.sizeBytes, d.sha256, d.consistency, parts,
                d.chunks);
    }
}
