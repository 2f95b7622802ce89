package io.kraftwerk.model.validation;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
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
 * A PostgreSQL database or role name that needs no quoting: lowercase letters, digits and '_',
 * within the server's 63 bytes. Quoted names would be legal but differ from what every client types
 * unquoted ({@code psql -d Hello} connects to {@code hello}), so they are refused rather than half
 * supported. Names starting with {@code pg_} are the server's own, and so are {@code postgres},
 * {@code template0} and {@code template1}: an app's database or owner is never the superuser's or a
 * template. Null is valid.
 */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = SqlName.REGEXP)
@ReportAsSingleViolation
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface SqlName {
    String REGEXP = "(?!pg_|postgres$|template[01]$)[a-z_][a-z0-9_]{0,62}";

    String message() default "must be a PostgreSQL name: lowercase letters, digits or '_', starting with a letter or '_',"
            + " at most 63 characters, not starting with 'pg_', and not postgres, template0 or template1 (the server's own)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
