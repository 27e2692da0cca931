package dev.switchboard.compliance.rest;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.EventType;
import dev.switchboard.compliance.audit.StoredContent;

/**
 * One audit row as JSON. {@code content} is the redacted JSON document, opened with the user's key and inlined
 * as it is; {@code null} with {@code erased: true} once the user's data was erased. {@code clearedEventId} is
 * null on a supervisor decision, and {@code decisionCode}, {@code agent} and {@code taskId} are null on every
 * other row.
 */
public record AuditEventView(
        long id,
        String eventId,
        EventType eventType,
        String tenant,
        String sessionId,
        String turnId,
        String userId,
        String actor,
        String clearedEventId,
        String sourceTopic,
        Integer sourcePartition,
        Long sourceOffset,
        @JsonRawValue String content,
        boolean erased,
        String contentDigest,
        int redactions,
        Instant occurredAt,
        Instant recordedAt,
        String decision,
        String decisionCode,
        String agent,
        String taskId,
        Integer chainPartition,
        Long chainSeq,
        String rowHash) {

    static AuditEventView of(AuditEventEntity row, StoredContent content) {
        return new AuditEventView(row.id, row.eventId, row.eventType, row.tenant, row.sessionId, row.turnId,
                row.userId, row.actor, row.clearedEventId, row.sourceTopic, row.sourcePartition, row.sourceOffset,
                content.json(), content.erased(), row.contentDigest, row.redactions, row.occurredAt, row.recordedAt,
                row.decision, row.decisionCode, row.agent, row.taskId, row.chainPartition, row.chainSeq,
                row.rowHash);
    }
}
