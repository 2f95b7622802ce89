package io.kraftwerk.master.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dashboard sign-ins: the admin token, typed once into the login form, opens a session whose
 * random id lives in an HttpOnly, Secure, SameSite=Strict cookie for twelve hours. Sessions live
 * in memory: a restart signs everyone out.
 */
@ApplicationScoped
public class DashboardSessions {
    public static final String COOKIE = "kw_session";
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
    Clock clock = Clock.systemUTC();

    public String open() {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        String session = HexFormat.of().formatHex(id);
        Instant now = clock.instant();
        sessions.values().removeIf(expiry -> expiry.isBefore(now));
        sessions.put(session, now.plus(LIFETIME));
        return session;
    }

    public boolean valid(String session) {
        if (session == null) {
            return false;
        }
        Instant expiry = sessions.get(session);
        return expiry != null && expiry.isAfter(clock.instant());
    }

    public void close(String session) {
        if (session != null) {
            sessions.remove(session);
        }
    }
}
