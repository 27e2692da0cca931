package dev.switchboard.schemas.serde;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.AuditAnchor;
import dev.switchboard.events.ChannelMessage;
import dev.switchboard.events.CompliancePolicy;
import dev.switchboard.events.DeliveryReport;
import dev.switchboard.events.ErasureRequested;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.LinkCode;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SessionControl;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TurnRejected;

/** The top-level event types that travel on topics, and the lookup of a type by schema fingerprint. */
public final class EventTypes {

    /** Every record type that is the value of some topic. */
    public static final List<Class<? extends SpecificRecord>> ALL = List.of(
            TurnReceived.class, TurnRejected.class, AgentTask.class, AgentResult.class,
            ReplyOutbound.class, SessionState.class, DeliveryReport.class, AgentDescriptor.class,
            SupervisorDecision.class, SupervisorPolicy.class, TenantUsage.class, SessionControl.class, SessionUsage.class,
            ErasureRequested.class, CompliancePolicy.class, ChannelMessage.class, IdentityLink.class, LinkCode.class,
            AuditAnchor.class);

    private static final Map<Long, Class<? extends SpecificRecord>> BY_FINGERPRINT = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(type -> fingerprint(schemaOf(type)), Function.identity()));

    private EventTypes() {
    }

    /** The type whose current schema has this CRC-64-AVRO fingerprint, or null. */
    public static Class<? extends SpecificRecord> byFingerprint(long fingerprint) {
        return BY_FINGERPRINT.get(fingerprint);
    }

    /** The schema compiled into a generated record class. */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        try {
            return (Schema) type.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type + " is not a generated Avro record", e);
        }
    }

    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
