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

/** The errors of a commit that did not compile, for the whole environment or for one node. */
@Entity
@Table(name = "compile_error")
public class StoredCompileError {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    public Long id;

    @Column(name = "environment", length = 255, nullable = false)
    public String environment;

    @Column(name = "commit_id", length = 64, nullable = false)
    public String commit;

    /** Null when the environment's manifests themselves do not parse. */
    @Column(name = "certname", length = 253)
    public String certname;

    /** FILE:LINE:COLUMN lines. */
    @Column(name = "errors", nullable = false)
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String errors;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
