package io.kraftwerk.master.compile.composite;

import io.kraftwerk.model.validation.PipRequirement;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.TYPE_USE;

/**
 * A requirement of a {@code wsgi_app}: a pip requirement ({@link PipRequirement}), or an artifact
 * of the master's store pinned to one exact version ({@link ArtifactRequirement}). Null is valid.
 */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = "(" + ArtifactRequirement.REGEXP + ")|(" + PipRequirement.REGEXP + ")")
@ReportAsSingleViolation
@Target(TYPE_USE)
@Retention(RetentionPolicy.RUNTIME)
public @interface AppRequirement {
    String message() default "must be a pip requirement such as 'gunicorn==22.0.0' or 'requests>=2.31,<3' (no options, URLs or"
            + " paths), or an artifact of the master's store at one exact version such as 'artifact:kwhello==1.0.0'";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
