package io.kraftwerk.master.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An app's data dump a node pushed: what it holds and where its encrypted bytes are (DATA/dumps/ID). */
@Entity
@Table(name = "app_dump")
public class StoredDump {
    @Id
    @Column(name = "id", length = 32)
    public String id;

    @Column(name = "certname", length = 255, nullable = false)
    public String certname;

    @Column(name = "app", length = 32, nullable = false)
    public String app;

    @Column(name = "environment", length = 255, nullable = false)
    public String environment;

    /** When the node started the dump (its manifest's time). */
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** When the master had all of it, checked. */
    @Column(name = "stored_at", nullable = false)
    public Instant storedAt;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Column(name = "sha256", length = 64, nullable = false)
    public String sha256;

    @Column(name = "consistency", length = 16, nullable = false)
    public String consistency;

    @Column(name = "parts", nullable = false)
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String parts;

    @Column(name = "chunks", nullable = false)
    public int chunks;
}
