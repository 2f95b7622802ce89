package io.kraftwerk.agent.provider.runit;

import java.util.List;
import java.util.SortedMap;

/**
 * A runit service as files: what {@code /etc/sv/NAME} must hold. Built from a
 * {@code runit_service} or a {@code gunicorn_app}.
 *
 * @param id           the resource id, for messages
 * @param name         the service name
 * @param present      installed (false: removed)
 * @param running      up (false: held down)
 * @param run          the {@code run} script
 * @param logRun       the {@code log/run} script
 * @param logDir       where svlogd writes
 * @param env          environment variables (one file each in {@code env/})
 * @param sensitiveEnv names whose values are secret
 * @param configFiles  further files in the service directory by name (gunicorn.conf.py)
 * @param healthCheck  a check to run after each (re)start, or null
 */
public record ServiceSpec(String id, String name, boolean present, boolean running, String run, String logRun,
                          String logDir, SortedMap<String, String> env, List<String> sensitiveEnv,
                          SortedMap<String, String> configFiles, HealthCheck healthCheck) {

    /** What to ask a service after it (re)started, and what it must answer. */
    public interface HealthCheck {
        /** @return null when healthy, else what is wrong */
        String check() throws InterruptedException;
    }
}
