package io.kraftwerk.master.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A node the master has heard of: its latest facts, catalog and the summary of its latest report. */
@Entity
@Table(name = "node")
public class StoredNode {
    @Id
    @Column(name = "certname", length = 253)
    public String certname;

    @Column(name = "environment", length = 255)
    public String environment;

    @Column(name = "catalog_version", length = 128)
    public String catalogVersion;

    /** The latest facts, as JSON. */
    @Column(name = "facts")
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String facts;

    @Column(name = "facts_at")
    public Instant factsAt;

    @Column(name = "last_report_id")
    public Long lastReportId;

    @Column(name = "last_report_at")
    public Instant lastReportAt;

    /** unchanged, changed, failed, pending (noop), drifted: see {@link io.kraftwerk.master.store.NodeStatus}. */
    @Column(name = "last_status", length = 16)
    public String lastStatus;

    @Column(name = "roles", length = 2048)
    public String roles;
}
