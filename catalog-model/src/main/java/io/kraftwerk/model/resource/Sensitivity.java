package io.kraftwerk.model.resource;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which attributes of a resource (or composite) mark its values as secret: a flag such as a file's
 * {@code sensitive: true}, or a list of names such as {@code sensitive_env}. Every resource record
 * declares it, an empty list included, so that a new type says whether it can carry secrets rather
 * than have it guessed from attribute names; the compiler's checks (which rules hand out secrets)
 * read it through {@link SensitivityMarks}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Sensitivity {
    /** Wire names of the marking attributes; empty when nothing of the type is ever secret. */
    String[] markedBy() default {};

    /**
     * The wire name of the attribute whose values the marks keep secret ({@code content}, {@code env}):
     * the one place a value decrypted from the manifests may go, which the compiler then marks itself.
     * Empty when nothing of the type is ever secret.
     */
    String protects() default "";

    /**
     * The protected attribute is secret whenever it is set, with no mark to say so (a database
     * password): the type has nothing to mark, and nobody can forget to.
     */
    boolean always() default false;

}
