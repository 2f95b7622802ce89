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

/** One alert for one webhook: what is sent, and how sending it went. */
@Entity
@Table(name = "webhook_delivery")
public class StoredDelivery {
    public static final int ALERT_ID_LENGTH = 600;
    public static final int SUBJECT_LENGTH = 300;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    public Long id;

    @Column(name = "webhook", length = 64, nullable = false)
    public String webhook;

    @Column(name = "alert_id", length = ALERT_ID_LENGTH, nullable = false)
    public String alertId;

    @Column(name = "alert_type", length = 32, nullable = false)
    public String alertType;

    @Column(name = "subject", length = SUBJECT_LENGTH, nullable = false)
    public String subject;

    @Column(name = "summary", nullable = false)
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String summary;

    /** The JSON body, exactly as signed and sent. */
    @Column(name = "payload", nullable = false)
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String payload;

    /** pending, delivered, failed. */
    @Column(name = "status", length = 16, nullable = false)
    public String status;

    @Column(name = "attempts", nullable = false)
    public int attempts;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    /** The HTTP status of the last attempt, if it got one. */
    @Column(name = "last_response")
    public Integer lastResponse;

    @Column(name = "last_error")
    @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
    public String lastError;
}
