package dev.switchboard.benchmark.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** What the fault run's local servers (model provider, payment service, WhatsApp) share: the server and its answers. */
final class LocalHttp {

    private LocalHttp() {
    }

    /**
     * A server on a free port of the loopback interface whose requests run on a pool of daemon threads named
     * {@code name} (a cached pool: a server that holds requests, as a provider that times out does, needs many).
     */
    static HttpServer server(String name) throws IOException {
        // The JDK's server writes headers and body apart; without TCP_NODELAY each answer waits ~40 ms for an ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        return server;
    }

    /** Answers with a JSON body. */
    static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
