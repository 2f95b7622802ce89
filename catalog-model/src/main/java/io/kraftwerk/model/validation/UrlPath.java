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

/** A URL path that is safe to place in an nginx location. Null is valid; combine with {@code @NotNull} where the value is required. */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = UrlPath.REGEXP)
@ReportAsSingleViolation
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface UrlPath {
    String REGEXP = "/[A-Za-z0-9._~!$&()*+,=:@%/-]*";

    String message() default "must be a URL path starting with '/' such as /static/ (no spaces, quotes, ';', '{' or '}')";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
