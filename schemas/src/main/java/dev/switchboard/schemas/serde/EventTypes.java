package dev.switchboard.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
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

/**
 * The top-level event types that travel on topics, and the lookup of a type by the fingerprint of the schema a record
 * was written with.
 *
 * <h2>Schema history</h2>
 * A record in single-object encoding names its writer schema only by fingerprint (CRC-64-AVRO of the parsing
 * canonical form), and any schema change, even a compatible one, changes that fingerprint for the type and for every
 * type that embeds it (a field added to {@code Envelope} changes every event that carries one). Records written before
 * a change outlive the build that wrote them: during a rolling upgrade older instances keep writing them, compacted
 * topics ({@code sessions.state}, policies, {@code audit.anchors}) keep them for ever, state stores are restored from
 * them and a topic may be replayed after an upgrade. So the build keeps every version each type has ever had, as the
 * complete writer schema (nested named types inlined), in
 * {@code src/main/resources/dev/switchboard/schemas/history/<TypeName>/<fingerprint-hex>.avsc}, listed in
 * {@code history/index.txt}. Each is registered with the type's decoder, and Avro's schema resolution reads
 * an old record into the current class: fields added since take their defaults.
 *
 * <p>After changing a schema, record its new version and commit the files it writes (the Avro plugin regenerates only
 * changed schemas, so start from an empty {@code schemas/target}):
 *
 * <pre>
 * rm -rf schemas/target &amp;&amp; ./mvnw -o -pl schemas test -Dtest=SchemaHistoryRecorder
 * </pre>
 *
 * The recorder ({@code src/test/java/.../SchemaHistoryRecorder}) parses the schemas as of every commit that touched
 * {@code src/main/avro}, oldest first, then as they are in the working tree, and adds each version the history lacks;
 * it never removes one, so versions stay readable after git history is squashed.
 *
 * <p>{@code SchemaHistoryTest} fails the build when the current schema of a type is not in the history, or when a
 * recorded version can no longer be read by the current schema.
 */
public final class EventTypes {

    /** Every record type that is the value of some topic. */
    public static final List<Class<? extends SpecificRecord>> ALL = List.of(
            TurnReceived.class, TurnRejected.class, AgentTask.class, AgentResult.class,
            ReplyOutbound.class, SessionState.class, DeliveryReport.class, AgentDescriptor.class,
            SupervisorDecision.class, SupervisorPolicy.class, TenantUsage.class, SessionControl.class, SessionUsage.class,
            ErasureRequested.class, CompliancePolicy.class, ChannelMessage.class, IdentityLink.class, LinkCode.class,
            AuditAnchor.class);

    /** The class path folder of the schema history; {@code index.txt} there lists its files. */
    private static final String HISTORY = "/dev/switchboard/schemas/history/";

    private static final Map<Class<? extends SpecificRecord>, List<Schema>> HISTORY_BY_TYPE = readHistory();

    private static final Map<Long, Class<? extends SpecificRecord>> BY_FINGERPRINT = fingerprints();

    private EventTypes() {
    }

    /** The type whose current or any recorded earlier schema has this CRC-64-AVRO fingerprint, or null. */
    public static Class<? extends SpecificRecord> byFingerprint(long fingerprint) {
        return BY_FINGERPRINT.get(fingerprint);
    }

    /** Every recorded writer schema of the type, oldest first (the current one too, once recorded). */
    public static List<Schema> history(Class<? extends SpecificRecord> type) {
        return HISTORY_BY_TYPE.getOrDefault(type, List.of());
    }

    /** The schema compiled into a generated record class. */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        try {
            return (Schema) type.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type + " is not a generated Avro record", e);
        }
    }

    /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form, as single-object encoding carries it. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** A fingerprint as the history's file names spell it: 16 lower-case hex digits. */
    public static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }

    private static Map<Long, Class<? extends SpecificRecord>> fingerprints() {
        Map<Long, Class<? extends SpecificRecord>> byFingerprint = new HashMap<>();
        ALL.forEach(type -> byFingerprint.put(fingerprint(schemaOf(type)), type));
        HISTORY_BY_TYPE.forEach((type, schemas) ->
                schemas.forEach(schema -> byFingerprint.put(fingerprint(schema), type)));
        return Map.copyOf(byFingerprint);
    }

    /** Reads the index and every schema it lists; a type no longer in {@link #ALL} is skipped. */
    private static Map<Class<? extends SpecificRecord>, List<Schema>> readHistory() {
        Map<String, Class<? extends SpecificRecord>> bySimpleName = ALL.stream()
                .collect(Collectors.toMap(Class::getSimpleName, Function.identity()));
        Map<Class<? extends SpecificRecord>, List<Schema>> history = new HashMap<>();
        for (String entry : read(HISTORY + "index.txt").lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList()) {
            String[] parts = entry.split("/");
            Class<? extends SpecificRecord> type = bySimpleName.get(parts[0]);
            if (parts.length != 2 || !parts[1].endsWith(".avsc")) {
                throw new IllegalStateException("Schema history index: not <TypeName>/<fingerprint>.avsc: " + entry);
            }
            if (type == null) {
                continue;
            }
            Schema schema = new Schema.Parser().parse(read(HISTORY + entry));
            if (!parts[1].equals(hex(fingerprint(schema)) + ".avsc") || !schema.getFullName().equals(type.getName())) {
                throw new IllegalStateException("Schema history: " + entry + " holds " + schema.getFullName()
                        + " with fingerprint " + hex(fingerprint(schema)));
            }
            history.computeIfAbsent(type, t -> new ArrayList<>()).add(schema);
        }
        return history.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
    }

    private static String read(String resource) {
        try (InputStream in = EventTypes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Schema history: " + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Schema history: cannot read " + resource, e);
        }
    }
}
