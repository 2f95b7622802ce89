package io.kraftwerk.agent.provider.release;

import io.kraftwerk.model.resource.WsgiReleaseResource;

/**
 * Where an app's releases live on a node. The names of services and logs use characters an app
 * or process name cannot have ({@code @} and {@code .}), so two apps never share one:
 * <pre>
 *   ROOT/releases/ID/venv               the release's virtualenv, root-owned
 *   ROOT/releases/ID/gunicorn.sock      a link to the release's socket
 *   ROOT/current -> releases/ID         the live release; nginx proxies to ROOT/current/gunicorn.sock
 *   /run/NAME/ID.sock                   gunicorn's socket (NAME:www-data 0750: nginx and the app only)
 *   /etc/sv/NAME@ID, /var/log/NAME/ID   the web process under runit, and its log
 *   /etc/sv/NAME.P@ID, /var/log/NAME/ID.P   each process P beside it
 * </pre>
 */
record ReleaseLayout(String app, String root) {

    static ReleaseLayout of(WsgiReleaseResource release) {
        return new ReleaseLayout(release.name(), release.root());
    }

    String releases() {
        return (root.equals("/") ? "" : root) + "/releases";
    }

    String dir(String id) {
        return releases() + "/" + id;
    }

    String venv(String id) {
        return dir(id) + "/venv";
    }

    /** The link in the release's directory that nginx's path to the app goes through. */
    String socketLink(String id) {
        return dir(id) + "/gunicorn.sock";
    }

    String current() {
        return (root.equals("/") ? "" : root) + "/current";
    }

    String socketDir() {
        return "/run/" + app;
    }

    String socket(String id) {
        return socketDir() + "/" + id + ".sock";
    }

    String webService(String id) {
        return app + "@" + id;
    }

    String processService(String process, String id) {
        return app + "." + process + "@" + id;
    }

    String webLog(String id) {
        return "/var/log/" + app + "/" + id;
    }

    String processLog(String process, String id) {
        return "/var/log/" + app + "/" + id + "." + process;
    }

    /** Whether a runit service directory name is one of this app's releases' services. */
    boolean ownsService(String serviceName) {
        return serviceName.startsWith(app + "@") || serviceName.startsWith(app + ".") && serviceName.contains("@");
    }
}
