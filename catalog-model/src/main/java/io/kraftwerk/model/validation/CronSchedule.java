package io.kraftwerk.model.validation;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;

/**
 * A schedule cron(8) accepts: five fields (minute, hour, day of month, month, day of week) of
 * numbers, names, ranges, lists and steps, or one of {@code @reboot @yearly @annually @monthly
 * @weekly @daily @midnight @hourly}. Null is valid; combine with {@code @NotNull} where required.
 */
@Documented
@Constraint(validatedBy = CronScheduleValidator.class)
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface CronSchedule {
    String message() default "must be a cron schedule such as '*/15 * * * *' or '@daily': {problem}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
