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

/** A socket address as gunicorn binds it and nginx proxies to it. Null is valid; combine with {@code @NotNull} where the value is required. */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = SocketAddress.REGEXP)
@ReportAsSingleViolation
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface SocketAddress {
    String REGEXP = "unix:/[^\\x00-\\x20;{}\"']+|(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*):[0-9]{1,5}";

    String message() default "must be 'unix:/absolute/path.sock' or 'host:port' such as 127.0.0.1:8000";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
