package dev.switchboard.compliance.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.switchboard.compliance.AuditEventEntity;

/**
 * How a row is linked into its chain (one per tenant and source partition, {@link ChainKey}): {@code row_hash = SHA-256(prev_hash "\n" canonical(row))}, in
 * lower-case hex. The canonical form lists the audited fields in a fixed order, each as
 * {@code name=length:value} (or {@code name=~} when null) on its own line, so no two different rows serialize
 * alike. It covers the content only through {@code content_digest}: the hash never depends on being able to
 * read (decrypt) the content, which is what lets erasure destroy content and keep the chain verifiable.
 * Pure: no I/O.
 */
public final class ChainHash {

    /** The {@code prev_hash} of a tenant's first row. */
    public static final String GENESIS = "0".repeat(64);

    private ChainHash() {
    }

    public static String rowHash(AuditEventEntity row) {
        return sha256Hex(row.prevHash + "\n" + canonical(row));
    }

    /** The audited fields of a row; not its id (assigned by the database), content, or its own hashes. */
    public static String canonical(AuditEventEntity row) {
        StringBuilder out = new StringBuilder(512);
        field(out, "chain_seq", row.chainSeq);
        field(out, "tenant", row.tenant);
        field(out, "event_id", row.eventId);
        field(out, "event_type", row.eventType == null ? null : row.eventType.name());
        field(out, "session_id", row.sessionId);
        field(out, "turn_id", row.turnId);
        field(out, "user_id", row.userId);
        field(out, "actor", row.actor);
        field(out, "decision", row.decision);
        field(out, "decision_code", row.decisionCode);
        field(out, "agent", row.agent);
        field(out, "task_id", row.taskId);
        field(out, "cleared_event_id", row.clearedEventId);
        field(out, "source_topic", row.sourceTopic);
        field(out, "source_partition", row.sourcePartition);
        field(out, "source_offset", row.sourceOffset);
        field(out, "redactions", row.redactions);
        field(out, "content_digest", row.contentDigest);
        field(out, "occurred_at", row.occurredAt);
        field(out, "recorded_at", row.recordedAt);
        return out.toString();
    }

    /** SHA-256 of the content as UTF-8, lower-case hex: {@code content_digest}. */
    public static String digest(String content) {
        return sha256Hex(content);
    }

    private static void field(StringBuilder out, String name, Object value) {
        out.append(name).append('=');
        if (value == null) {
            out.append('~');
        } else {
            String text = value.toString();
            out.append(text.length()).append(':').append(text);
        }
        out.append('\n');
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
