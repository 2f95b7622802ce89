package io.kraftwerk.master.auth;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Only the node the request names may call the method: its certificate's CN must equal the
 * method's {@code certname} path parameter, as the router decoded it from the matched path.
 * Always together with {@code @RolesAllowed(Callers.NODE)}, which Quarkus security checks (a node
 * at all); {@code api.NodeItselfFilter}, bound to the matched method by this annotation, then compares
 * the names. Both run after routing, so no spelling of the path can change what is compared.
 * {@code @RolesAllowed(NODE)} without this is a bug {@link Access} reports; this without the role
 * declares nothing, and the method is refused to everyone. On a class (as on the filter itself),
 * it binds the filter to every method of the class.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NodeItself {
}
