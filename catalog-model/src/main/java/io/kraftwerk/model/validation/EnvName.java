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

/** An environment variable name. Null is valid; combine with {@code @NotNull} where the value is required. */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = EnvName.REGEXP)
@ReportAsSingleViolation
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface EnvName {
    String REGEXP = "[A-Za-z_][A-Za-z0-9_]*";

    String message() default "must be an environment variable name: letters, digits and '_', not starting with a digit";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
