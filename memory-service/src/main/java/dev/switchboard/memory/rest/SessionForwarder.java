package dev.switchboard.memory.rest;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;

import dev.switchboard.memory.config.MemoryConfig;
import dev.switchboard.memory.streams.StoreNotReadyException;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

/**
 * Asks the instance that owns a session for it, on the caller's behalf and with the caller's own
 * {@code Authorization} header, and hands back that instance's answer as it is (status, media type, body, and the
 * {@code Retry-After} / {@code WWW-Authenticate} headers), so a caller cannot tell which instance answered. There
 * is no instance-to-instance trust: the owner verifies the token and the tenant exactly as for a direct call.
 */
@ApplicationScoped
public class SessionForwarder {

    /** Headers of the owner's answer that mean something to the caller. */
    private static final List<String> PASSED_HEADERS = List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.WWW_AUTHENTICATE);

    private final MemoryConfig config;
    private final Map<HostInfo, SessionOwnerClient> clients = new ConcurrentHashMap<>();

    SessionForwarder(MemoryConfig config) {
        this.config = config;
    }

    /**
     * @param owner         the instance that owns the session
     * @param tenant        the tenant of the request's path
     * @param authorization the caller's {@code Authorization} header, passed on unchanged
     * @param self          this instance, sent along so the owner never forwards the request again
     * @throws StoreNotReadyException if the owner cannot be reached
     */
    public Response forward(HostInfo owner, String tenant, String sessionId, String authorization, HostInfo self) {
        try (Response answer = client(owner).get(tenant, sessionId, authorization, self.host() + ":" + self.port())) {
            String body = answer.hasEntity() ? answer.readEntity(String.class) : null;
            Response.ResponseBuilder copy = Response.status(answer.getStatus()).entity(body);
            if (answer.getMediaType() != null) {
                copy.type(answer.getMediaType());
            }
            for (String header : PASSED_HEADERS) {
                String value = answer.getHeaderString(header);
                if (value != null) {
                    copy.header(header, value);
                }
            }
            return copy.build();
        } catch (ProcessingException e) {
            throw new StoreNotReadyException("the instance owning session " + sessionId + " (" + owner.host() + ":"
                    + owner.port() + ") cannot be reached: " + e.getMessage(), e);
        }
    }

    private SessionOwnerClient client(HostInfo owner) {
        return clients.computeIfAbsent(owner, host -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create("http://" + host.host() + ":" + host.port()))
                .connectTimeout(config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // the owner's 401, 403, 404 and 503 are answers to pass on, not failures of this call
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(SessionOwnerClient.class));
    }

    @PreDestroy
    void close() {
        clients.values().forEach(client -> {
            try {
                ((Closeable) client).close();
            } catch (IOException | ClassCastException e) {
                // closing at shutdown is best effort
            }
        });
    }
}
