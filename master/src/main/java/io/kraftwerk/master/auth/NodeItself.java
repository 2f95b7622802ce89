package io.kraftwerk.master.auth;

import io.quarkus.security.PermissionsAllowed;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Only the node the request names may call the method: its certificate's CN must equal the
 * method's {@code certname} argument, as the router decoded it from the matched path. Checked by
 * {@link NodeItselfCheck} after routing, so no spelling of the path can change what is compared.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD})
@PermissionsAllowed(value = Callers.NODE_ITSELF, params = "certname")
public @interface NodeItself {
}
