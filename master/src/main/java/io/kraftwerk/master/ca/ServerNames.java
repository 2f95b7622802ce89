package io.kraftwerk.master.ca;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The subject alternative names of the master's certificate, to tell whether it must be reissued. */
final class ServerNames {
    private ServerNames() {
    }

    static Set<String> of(X509Certificate cert) {
        Set<String> out = new TreeSet<>();
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                names.forEach(n -> out.add(n.get(0) + ":" + n.get(1)));
            }
        } catch (CertificateParsingException e) {
            return Set.of();
        }
        return out;
    }

    static Set<String> wanted(List<String> dnsNames, List<String> ips) {
        Set<String> out = new TreeSet<>();
        dnsNames.forEach(n -> out.add("2:" + n));
        ips.forEach(ip -> {
            try {
                out.add("7:" + InetAddress.getByName(ip).getHostAddress());
            } catch (UnknownHostException e) {
                out.add("7:" + ip);
            }
        });
        return out;
    }
}
