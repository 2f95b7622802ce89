package io.kraftwerk.master.api;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route takes a body of at most {@link #value()} bytes, announced by Content-Length: longer
 * (or unannounced) bodies are refused before they are read (see {@link BodySize}).
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface MaxBody {
    int value();
}
