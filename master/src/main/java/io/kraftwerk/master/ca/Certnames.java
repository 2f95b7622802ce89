package io.kraftwerk.master.ca;

import java.util.regex.Pattern;

/**
 * Certnames are lowercase DNS names. They become file names in the CA directory, so nothing else
 * (no '/', no '..', no uppercase twins) may pass.
 */
public final class Certnames {
    private static final Pattern CERTNAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private Certnames() {
    }

    public static boolean valid(String name) {
        return name != null && name.length() <= 253 && CERTNAME.matcher(name).matches();
    }

    public static String require(String name) throws CaException {
        if (!valid(name)) {
            throw new CaException("'" + name + "' is not a valid certname: use a lowercase DNS name such as web1.example.net");
        }
        return name;
    }
}
