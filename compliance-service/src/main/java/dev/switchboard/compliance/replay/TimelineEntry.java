package dev.switchboard.compliance.replay;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of a session's timeline, where it was recorded, and what compliance decided about it.
 *
 * @param at        the record's timestamp
 * @param topic     where it was recorded
 * @param partition its partition
 * @param offset    its offset
 * @param type      the event type (the Avro record name), or {@code undecodable}
 * @param eventId   the envelope's event id, when the event has an envelope
 * @param turnId    the turn it belongs to, when known
 * @param event     the event as JSON; for the raw topics only its envelope (their content is personal data
 *                  before redaction: the audit trail holds the redacted form)
 * @param decision  compliance's decision recorded in the audit trail for this event, when there is one
 */
public record TimelineEntry(Instant at, String topic, int partition, long offset, String type, String eventId,
        String turnId, JsonNode event, String decision) {

    TimelineEntry withDecision(String decision) {
        return new TimelineEntry(at, topic, partition, offset, type, eventId, turnId, event, decision);
    }
}
