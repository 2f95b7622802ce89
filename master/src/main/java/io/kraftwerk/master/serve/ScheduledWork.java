package io.kraftwerk.master.serve;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * The master's scheduled work (fleet refresh, retention, alerts, the sightings' flush…) runs only
 * while the master serves. The scheduler starts halted (application.properties) and is resumed
 * once everything else has started; it is paused first thing when the master stops. Otherwise a
 * job fired during start-up or shutdown reached for a database session that was not there yet, or
 * no longer, and a SIGTERM soon after start printed stack traces (issue 17).
 */
@ApplicationScoped
public class ScheduledWork {
    @Inject
    Scheduler scheduler;

    void started(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) StartupEvent event) {
        scheduler.resume();
    }

    void stopping(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        scheduler.pause();
    }
}
