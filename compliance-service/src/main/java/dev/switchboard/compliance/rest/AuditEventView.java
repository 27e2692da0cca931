package dev.switchboard.compliance.rest;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.EventType;

/**
 * One audit row as JSON; {@code content} is the stored JSON document, inlined as it is. {@code clearedEventId}
 * is null on a supervisor decision, and {@code decision}, {@code decisionCode}, {@code agent} and
 * {@code taskId} are null on every other row.
 */
public record AuditEventView(
        long id,
        String eventId,
        EventType eventType,
        String tenant,
        String sessionId,
        String turnId,
        String clearedEventId,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        @JsonRawValue String content,
        int redactions,
        Instant occurredAt,
        Instant recordedAt,
        String decision,
        String decisionCode,
        String agent,
        String taskId) {

    static AuditEventView of(AuditEventEntity row) {
        return new AuditEventView(row.id, row.eventId, row.eventType, row.tenant, row.sessionId, row.turnId,
                row.clearedEventId, row.sourceTopic, row.sourcePartition, row.sourceOffset, row.content,
                row.redactions, row.occurredAt, row.recordedAt, row.decision, row.decisionCode, row.agent,
                row.taskId);
    }
}
