package dev.switchboard.compliance.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.EventType;
import dev.switchboard.events.ErasureRequested;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Erases a user's data: destroys the user's data key (their audited content can never be read again), audits
 * the erasure itself in the tenant's requests chain ({@link ChainKey#REQUESTS}), then writes one
 * {@code ErasureRequested} per session of the user to {@code erasures}, where the services that keep session state
 * (memory) tombstone it.
 *
 * <p>The database work commits before anything is published. If publishing fails, the request fails and can
 * simply be made again: the key is already gone, the sessions are still found by the rows' {@code user_id},
 * and tombstoning a session twice is harmless. Each request is audited, so a retry adds a second
 * {@code ERASURE} row.
 */
@ApplicationScoped
public class ErasureService {

    /** The decision recorded on an erasure's audit row. */
    public static final String ERASED = "ERASED";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditEventRepository audit;
    private final AuditTrail trail;
    private final UserKeys keys;
    private final ErasurePublisher publisher;

    ErasureService(AuditEventRepository audit, AuditTrail trail, UserKeys keys, ErasurePublisher publisher) {
        this.audit = audit;
        this.trail = trail;
        this.keys = keys;
        this.publisher = publisher;
    }

    /**
     * What an erasure did.
     *
     * @param eventId     the id of the erasure's own audit row
     * @param sessions    the user's sessions, each announced on {@code erasures}
     * @param keyDestroyed whether a data key existed (false when the user was erased before, or never audited)
     */
    public record Erasure(String eventId, String tenant, String user, String requestedBy, Instant requestedAt,
            List<String> sessions, boolean keyDestroyed) {
    }

    /** Thrown when the erasure committed but announcing it on {@code erasures} failed: ask again. */
    public static final class PublishFailedException extends RuntimeException {
        private final transient Erasure erasure;

        PublishFailedException(Erasure erasure, RuntimeException cause) {
            super("The user's audited content is erased, but the sessions could not be announced on erasures", cause);
            this.erasure = erasure;
        }

        public Erasure erasure() {
            return erasure;
        }
    }

    public Erasure erase(String tenant, String user, String requestedBy) {
        Instant requestedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Erasure erasure = QuarkusTransaction.requiringNew().call(() -> shred(tenant, user, requestedBy, requestedAt));
        try {
            publisher.publish(erasure.sessions().stream()
                    .map(session -> ErasureRequested.newBuilder()
                            .setTenant(tenant)
                            .setUser(user)
                            .setSessionId(session)
                            .setRequestedBy(requestedBy)
                            .setRequestedAt(requestedAt)
                            .build())
                    .toList());
        } catch (RuntimeException e) {
            throw new PublishFailedException(erasure, e);
        }
        return erasure;
    }

    private Erasure shred(String tenant, String user, String requestedBy, Instant requestedAt) {
        // The key first: the delete waits for appends that are sealing with it, so the sessions read after it
        // include theirs. The erasure's row is in the tenant's requests chain, which those appends do not lock.
        boolean keyDestroyed = keys.destroy(tenant, user);
        List<String> sessions = audit.sessionsOfUser(tenant, user);

        AuditEventEntity row = new AuditEventEntity();
        row.eventId = UUID.randomUUID().toString();
        row.eventType = EventType.ERASURE;
        row.tenant = tenant;
        row.userId = user;
        row.actor = requestedBy;
        row.decision = ERASED;
        row.occurredAt = requestedAt;
        // Session ids and counts only: the erasure's own row holds nothing of what was erased.
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("sessions", sessions);
        content.put("keyDestroyed", keyDestroyed);
        trail.appendPlain(row, toJson(content));
        return new Erasure(row.eventId, tenant, user, requestedBy, requestedAt, sessions, keyDestroyed);
    }

    private static String toJson(Map<String, Object> content) {
        try {
            return JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render the erasure's audit content", e);
        }
    }
}
