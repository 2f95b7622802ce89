package io.kraftwerk.master.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One agent run: the whole report as sent, and the columns the dashboard filters and counts on. */
@Entity
@Table(name = "report")
public class StoredReport {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    public Long id;

    @Column(name = "certname", length = 253, nullable = false)
    public String certname;

    @Column(name = "run_id", length = 64, nullable = false)
    public String runId;

    @Column(name = "start_at", nullable = false)
    public Instant startAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(name = "duration_ms", nullable = false)
    public long durationMillis;

    /** unchanged, changed or failed (the report's status). */
    @Column(name = "status", length = 16, nullable = false)
    public String status;

    /** The node status this run gives: unchanged, changed, failed, pending or drifted. */
    @Column(name = "node_status", length = 16, nullable = false)
    public String nodeStatus;

    @Column(name = "mode", length = 8, nullable = false)
    public String mode;

    @Column(name = "noop_pending", nullable = false)
    public boolean noopPending;

    @Column(name = "corrective", nullable = false)
    public boolean corrective;

    @Column(name = "catalog_version", length = 128, nullable = false)
    public String catalogVersion;

    @Column(name = "environment", length = 255, nullable = false)
    public String environment;

    @Column(name = "catalog_source", length = 8, nullable = false)
    public String catalogSource;

    @Column(name = "resources", nullable = false)
    public int resources;

    @Column(name = "changes", nullable = false)
    public int changes;

    @Column(name = "failures", nullable = false)
    public int failures;

    @Column(name = "drifts", nullable = false)
    public int drifts;

    /** The report as sent, gzip-compressed ({@link io.kraftwerk.master.util.Gzip}): 100 KB of JSON is about 6 KB stored. */
    @Column(name = "body", nullable = false)
    @JdbcTypeCode(SqlTypes.VARBINARY)
    public byte[] body;
}
