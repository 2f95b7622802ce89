package io.kraftwerk.model.validation;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A kernel parameter as sysctl names it, e.g. {@code net.ipv4.ip_forward}: dotted segments of
 * letters, digits and {@code _ - @ : +}, none empty. Each dot becomes a directory under
 * /proc/sys, so no segment may be {@code ..} and no slash may appear. Null is valid.
 */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = SysctlName.REGEXP)
@ReportAsSingleViolation
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface SysctlName {
    String REGEXP = "[a-z][a-z0-9_]*(\\.[A-Za-z0-9_@:+-]+){1,15}";

    String message() default "must be a kernel parameter such as net.ipv4.ip_forward: dotted names of letters, digits, '_', '-', '@', ':' or '+'";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
