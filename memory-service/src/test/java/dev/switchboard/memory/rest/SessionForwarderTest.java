package dev.switchboard.memory.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.switchboard.memory.streams.StoreNotReadyException;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Forwarding to the owning instance, against a real HTTP server standing in for that instance. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = "memory"))
@WithTestResource(TokenTestResource.class)
class SessionForwarderTest {

    private static final HostInfo SELF = new HostInfo("memory-a", 8084);

    @Inject
    SessionForwarder forwarder;

    @Test
    void asksTheOwnerWithTheCallersTokenAndPassesItsAnswerThrough() throws IOException {
        AtomicReference<String> path = new AtomicReference<>();
        AtomicReference<String> forwardedBy = new AtomicReference<>();
        AtomicReference<String> authorization = new AtomicReference<>();
        String body = "{\"type\":\"https://switchboard.dev/problems/not-found\",\"title\":\"Not Found\","
                + "\"status\":404,\"detail\":\"No such resource\",\"code\":\"not-found\"}";
        HttpServer owner = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        owner.createContext("/", exchange -> {
            path.set(exchange.getRequestURI().getPath());
            forwardedBy.set(exchange.getRequestHeaders().getFirst(SessionResource.FORWARDED_HEADER));
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", Problem.MEDIA_TYPE);
            exchange.getResponseHeaders().add("Retry-After", "1");
            exchange.sendResponseHeaders(404, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        owner.start();
        try {
            Response answer = forwarder.forward(new HostInfo("localhost", owner.getAddress().getPort()), "acme", "s-9",
                    "Bearer the-callers-token", SELF);

            assertThat(answer.getStatus()).isEqualTo(404);
            assertThat(answer.getEntity()).isEqualTo(body);
            assertThat(answer.getMediaType()).hasToString(Problem.MEDIA_TYPE);
            assertThat(answer.getHeaderString("Retry-After")).isEqualTo("1");
            assertThat(path.get()).isEqualTo("/v1/tenants/acme/sessions/s-9");
            assertThat(authorization.get()).as("the caller's own token, for the owner to check")
                    .isEqualTo("Bearer the-callers-token");
            assertThat(forwardedBy.get()).isEqualTo("memory-a:8084");
        } finally {
            owner.stop(0);
        }
    }

    @Test
    void unreachableOwnerIsNotReady() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> forwarder.forward(new HostInfo("localhost", closedPort), "acme", "s-9", "Bearer t", SELF))
                .isInstanceOf(StoreNotReadyException.class)
                .hasMessageContaining("cannot be reached");
    }
}
