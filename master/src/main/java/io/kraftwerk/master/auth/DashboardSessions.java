package io.kraftwerk.master.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
 * in memory: a restart signs everyone out. Each session has its own random CSRF token, which every
 * form that changes something carries and the handler compares: a page of another site cannot
 * read it, so it cannot make the admin's browser post one (SameSite=Strict already keeps the
 * cookie from such posts; the token does not rely on the browser for that).
 */
@ApplicationScoped
public class DashboardSessions {
    public static final String COOKIE = "kw_session";
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();
    private record Session(Instant expiry, String csrf) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    Clock clock = Clock.systemUTC();

    public String open() {
        String session = random();
        Instant now = clock.instant();
        sessions.values().removeIf(s -> s.expiry().isBefore(now));
        sessions.put(session, new Session(now.plus(LIFETIME), random()));
        return session;
    }

    private static String random() {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    public boolean valid(String session) {
        if (session == null) {
            return false;
        }
        Session s = sessions.get(session);
        return s != null && s.expiry().isAfter(clock.instant());
    }

    /** The session's CSRF token, for the forms of its pages; empty text for no valid session. */
    public String csrf(String session) {
        Session s = session == null ? null : sessions.get(session);
        return s == null || !s.expiry().isAfter(clock.instant()) ? "" : s.csrf();
    }

    /** Whether {@code token} is the valid session's CSRF token (compared in constant time). */
    public boolean csrfMatches(String session, String token) {
        String expected = csrf(session);
        return !expected.isEmpty() && token != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }

    public void close(String session) {
        if (session != null) {
            sessions.remove(session);
        }
    }
}
