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

/** One property of one resource that was out of sync in a run: previous → desired. */
@Entity
@Table(name = "event")
public class StoredEvent {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    public Long id;

    @Column(name = "report_id", nullable = false)
    public long reportId;

    @Column(name = "certname", length = 253, nullable = false)
    public String certname;

    @Column(name = "start_at", nullable = false)
    public Instant startAt;

    @Column(name = "resource", length = 1024, nullable = false)
    public String resource;

    @Column(name = "resource_type", length = 32, nullable = false)
    public String resourceType;

    @Column(name = "property", length = 128, nullable = false)
    public String property;

    @Column(name = "previous")
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String previous;

    @Column(name = "desired")
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String desired;

    /** changed, noop, audit, failed (the event's status). */
    @Column(name = "status", length = 16, nullable = false)
    public String status;

    @Column(name = "corrective", nullable = false)
    public boolean corrective;

    @Column(name = "message")
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String message;
}
