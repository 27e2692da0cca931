package dev.switchboard.benchmark.faults;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A payment service on this machine that counts refunds: {@code POST /refunds} with an {@code Idempotency-Key}
 * answers 201 with a refund id. Like a real payment API it answers a repeated key with the same refund; it also
 * counts how often each key came, which is how the fault run sees a side effect attempted twice.
 */
public final class FakePaymentApi implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong calls = new AtomicLong();
    private final Map<String, Integer> callsByKey = new ConcurrentHashMap<>();

    private FakePaymentApi(HttpServer server) {
        this.server = server;
    }

    public static FakePaymentApi start() throws IOException {
        HttpServer server = LocalHttp.server("fake-payment-api");
        FakePaymentApi api = new FakePaymentApi(server);
        server.createContext("/refunds", api::refund);
        server.start();
        return api;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Refund requests received, with or without a repeated key. */
    public long calls() {
        return calls.get();
    }

    /** Distinct idempotency keys: the refunds made. */
    long refunds() {
        return callsByKey.size();
    }

    /** Keys that came more than once: a side effect attempted twice. */
    long repeatedKeys() {
        return callsByKey.values().stream().filter(count -> count > 1).count();
    }

    private void refund(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (!"POST".equals(exchange.getRequestMethod()) || key == null || key.isBlank()) {
                LocalHttp.answer(exchange, 400, "{\"error\":\"a refund is a POST with an Idempotency-Key\"}");
                return;
            }
            calls.incrementAndGet();
            callsByKey.merge(key, 1, Integer::sum);
            LocalHttp.answer(exchange, 201, "{\"refundId\":\"re_" + Integer.toHexString(key.hashCode()) + "\",\"status\":\"succeeded\"}");
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
