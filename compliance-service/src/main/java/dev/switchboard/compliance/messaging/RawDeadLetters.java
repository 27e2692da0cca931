package dev.switchboard.compliance.messaging;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Failure;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Principal;
import dev.switchboard.events.Step;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.DeadLetters;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue;

/**
 * Dead letters of the raw topics, which must never carry what a user or an agent wrote. A decodable event keeps its
 * structure and ids, with every free-text field (and every principal attribute value) replaced by
 * {@code [withheld: n characters]}; an undecodable record's value is withheld entirely (null), with its length and
 * SHA-256 in headers. The headers name the exception class, a reason that quotes nothing of the record, the
 * source topic, partition and offset, where the original can be read while the raw topic keeps it, and the tenant
 * when compliance can vouch for it. The record's own
 * headers are not copied: the deserializer's failure headers hold the raw bytes and the exception message.
 */
final class RawDeadLetters {

    /** The length in bytes of an undecodable value that was withheld. */
    static final String WITHHELD_LENGTH = "dead-letter-withheld-length";
    /** The SHA-256 (hex) of an undecodable value that was withheld. */
    static final String WITHHELD_SHA256 = "dead-letter-withheld-sha256";

    static final String UNDECODABLE = "has no decodable value";

    private RawDeadLetters() {
    }

    static String withheld(String text) {
        return text == null ? null : "[withheld: " + text.length() + " characters]";
    }

    static TurnReceived withheld(TurnReceived raw) {
        return TurnReceived.newBuilder()
                .setEnvelope(withheld(raw.getEnvelope()))
                .setChannelMessageId(raw.getChannelMessageId())
                .setText(withheld(raw.getText()))
                .build();
    }

    static AgentResult withheld(AgentResult raw) {
        Handoff handoff = raw.getHandoff() == null ? null : Handoff.newBuilder()
                .setTarget(raw.getHandoff().getTarget())
                .setReason(withheld(raw.getHandoff().getReason()))
                .setContext(withheld(raw.getHandoff().getContext()))
                .build();
        Failure failure = raw.getFailure() == null ? null : Failure.newBuilder()
                .setCode(raw.getFailure().getCode())
                .setMessage(withheld(raw.getFailure().getMessage()))
                .build();
        List<Step> steps = raw.getSteps().stream().map(step -> Step.newBuilder()
                .setKind(step.getKind())
                .setName(step.getName())
                .setDetail(withheld(step.getDetail()))
                .setDurationMillis(step.getDurationMillis())
                .setOutput(withheld(step.getOutput()))
                .build()).toList();
        return AgentResult.newBuilder()
                .setEnvelope(withheld(raw.getEnvelope()))
                .setTaskId(raw.getTaskId())
                .setAgent(raw.getAgent())
                .setOutcome(raw.getOutcome())
                .setReply(withheld(raw.getReply()))
                .setHandoff(handoff)
                .setEscalation(withheld(raw.getEscalation()))
                .setFailure(failure)
                .setUsage(raw.getUsage())
                .setSteps(steps)
                .setModel(raw.getModel())
                .setTicket(raw.getTicket())
                .build();
    }

    /** The envelope with its principal's attribute values (a display name, a phone number...) withheld. */
    private static Envelope withheld(Envelope raw) {
        Map<String, String> attributes = new LinkedHashMap<>();
        raw.getPrincipal().getAttributes().forEach((name, value) -> attributes.put(name.toString(),
                withheld(value.toString())));
        return Envelope.newBuilder()
                .setEventId(raw.getEventId())
                .setTenant(raw.getTenant())
                .setSessionId(raw.getSessionId())
                .setTurnId(raw.getTurnId())
                .setPrincipal(Principal.newBuilder()
                        .setTenant(raw.getPrincipal().getTenant())
                        .setUser(raw.getPrincipal().getUser())
                        .setAttributes(attributes)
                        .build())
                .setChannel(raw.getChannel())
                .setDelegationChain(raw.getDelegationChain())
                .setTraceparent(raw.getTraceparent())
                .setOccurredAt(raw.getOccurredAt())
                .setSchemaVersion(raw.getSchemaVersion())
                .setReplyTo(raw.getReplyTo())
                .build();
    }

    /**
     * Headers of a dead letter: the exception class, the reason, the record's position and, when it is known, its
     * tenant.
     *
     * @param reason a reason that quotes nothing of the record (see {@link #reason(String, Throwable)})
     * @param tenant the tenant the record belongs to as far as compliance can tell (a turn's, or the tenant of a
     *               result's valid ticket), or null: a raw record's own claim is no proof, so the dead letter of a
     *               result without a valid ticket, or of a record naming the platform chain, names no tenant
     */
    static Headers headers(KafkaRecord<String, ?> record, String exceptionClass, String reason, String tenant) {
        Headers headers = new RecordHeaders();
        DeadLetters.add(headers, KafkaDeadLetterQueue.DEAD_LETTER_EXCEPTION_CLASS_NAME, exceptionClass);
        DeadLetters.addSource(headers, reason, record.getTopic(), record.getPartition(),
                IncomingRecords.offsetOf(record));
        return DeadLetters.addTenant(headers, tenant);
    }

    /** Headers of an undecodable record's dead letter, with the length and SHA-256 of the value withheld. */
    static Headers undecodableHeaders(KafkaRecord<String, ?> record) {
        Headers headers = headers(record, IllegalArgumentException.class.getName(), UNDECODABLE, null);
        Header failure = record.getHeaders().lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_VALUE_DATA);
        if (failure == null) {
            failure = record.getHeaders().lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_DATA);
        }
        if (failure != null && failure.value() != null) {
            DeadLetters.add(headers, WITHHELD_LENGTH, Integer.toString(failure.value().length));
            DeadLetters.add(headers, WITHHELD_SHA256, sha256(failure.value()));
        }
        return headers;
    }

    /**
     * A reason for a failure that quotes nothing: exception messages may quote the record (a database error its
     * values, a parser its input), so only class names and, for a database error, its SQL state are kept.
     */
    static String reason(String what, Throwable failure) {
        StringBuilder reason = new StringBuilder(what).append(':');
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 8; cause = cause.getCause(), depth++) {
            reason.append(depth == 0 ? " " : " < ").append(cause.getClass().getName());
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                reason.append(" (SQL state ").append(sql.getSQLState()).append(')');
                break;
            }
        }
        return reason.toString();
    }

    private static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
