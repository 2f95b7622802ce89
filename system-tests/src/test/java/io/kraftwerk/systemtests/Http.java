package io.kraftwerk.systemtests;

import io.kraftwerk.testkit.DisposableNode;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** HTTP requests made inside a node (its network namespace has only loopback), with curl. */
record Http(int status, String body, String location) {

    static Http get(DisposableNode node, String host, String path) throws Exception {
        DisposableNode.Result r = node.exec(List.of("curl", "--silent", "--max-time", "10", "--header", "Host: " + host,
                "--write-out", "\n%{http_code} %{redirect_url}", "http://127.0.0.1" + path));
        String out = r.stdout();
        int cut = out.lastIndexOf('\n');
        String[] tail = out.substring(cut + 1).split(" ", 2);
        return new Http(Integer.parseInt(tail[0]), out.substring(0, Math.max(0, cut)), tail.length > 1 ? tail[1] : "");
    }

    /**
     * A 200 from the vhost asked for, not from nginx's default site: that one answers 200 too, for
     * a moment after a reload, while old workers still serve the old configuration.
     */
    static boolean served(Http h) {
        return h.status() == 200 && !h.body().contains("Welcome to nginx!");
    }

    /**
     * Asks until the answer satisfies {@code ok}, for at most {@code within}: nginx reloads and
     * app restarts finish asynchronously. Returns the last answer either way.
     */
    static Http await(DisposableNode node, String host, String path, Predicate<Http> ok, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Http last = get(node, host, path);
        while (!ok.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = get(node, host, path);
        }
        return last;
    }
}
