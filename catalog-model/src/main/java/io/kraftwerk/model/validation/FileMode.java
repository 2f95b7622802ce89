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

/** A file mode as four octal digits (the model pads three-digit modes such as 644). Null is valid; combine with {@code @NotNull} where the value is required. */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = FileMode.REGEXP)
@ReportAsSingleViolation
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface FileMode {
    String REGEXP = "[0-7]{4}";

    String message() default "must be an octal mode such as 0644 or 2750";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
