package io.kraftwerk.master.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An environment's rollout: the commit every node may run, the one its canaries try, and how that goes. */
@Entity
@Table(name = "rollout")
public class StoredRollout {
    @Id
    @Column(name = "environment", length = 255)
    public String environment;

    @Column(name = "stable_commit", length = 64, nullable = false)
    public String stableCommit;

    @Column(name = "candidate_commit", length = 64, nullable = false)
    public String candidateCommit;

    /** canary, halted, promoted, aborted. */
    @Column(name = "state", length = 16, nullable = false)
    public String state;

    /** The canaries' certnames, comma-separated. */
    @Column(name = "canaries", nullable = false)
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String canaries;

    /** The canaries that ran the candidate without failing, comma-separated. */
    @Column(name = "passed", nullable = false)
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String passed;

    /** How the policy named the canaries, and its time limit. */
    @Column(name = "policy", length = 255, nullable = false)
    public String policy;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "deadline", nullable = false)
    public Instant deadline;

    @Column(name = "reason")
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String reason;

    @Column(name = "failed_report_id")
    public Long failedReportId;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", length = 255, nullable = false)
    public String updatedBy;
}
