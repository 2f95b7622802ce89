package io.kraftwerk.master.auth;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Only the node the request names, or a node the manifests grant that node's app dumps to
 * (site.yaml's {@code dump_access:} of the environment the dump was made in), may call the method:
 * decided on the decoded {@code certname} and {@code app} path parameters of the matched method by
 * {@code api.DumpReaderFilter}, after routing. Always together with
 * {@code @RolesAllowed(Callers.NODE)}; default deny: no grant, no read.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NodeOrGrantee {
}
