package io.kraftwerk.master.store.entity;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A node the master has heard of: its latest facts, catalog and the summary of its latest report. */
@Entity
@Table(name = "node")
// a report's update names its five columns only, not the facts (tens of KB) that catalog requests keep
@DynamicUpdate
public class StoredNode {
    /** Column sizes (V1__storage.sql): what a sighting or a report may put in them. */
    public static final int ENVIRONMENT_LENGTH = 255;
    public static final int CATALOG_VERSION_LENGTH = 128;
    public static final int ROLES_LENGTH = 2048;

    @Id
    @Column(name = "certname", length = 253)
    public String certname;

    @Column(name = "environment", length = ENVIRONMENT_LENGTH)
    public String environment;

    @Column(name = "catalog_version", length = CATALOG_VERSION_LENGTH)
    public String catalogVersion;

    /** The latest facts, as JSON: read only when asked for (locking a node's row to store its report needs none of it). */
    @Basic(fetch = FetchType.LAZY)
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

    @Column(name = "roles", length = ROLES_LENGTH)
    public String roles;
}
