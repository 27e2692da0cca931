package dev.switchboard.schemas.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One client identity on the broker, a SCRAM user whose Kafka principal is {@code User:<name>}, and what it
 * may do there. Each service and each hosted agent has its own, so a compromised or buggy client can touch
 * only the topics its role needs ({@link BrokerAccess} holds the catalog of them).
 *
 * <p>Kafka implies {@code DESCRIBE} from {@code READ} and {@code WRITE}, so no grant below names it.
 * Idempotent producers need only {@code WRITE} on their topics (Kafka 3.0 and later, KIP-679).
 *
 * @param name             the SCRAM user name
 * @param reads            topics it consumes ({@code READ})
 * @param writes           topics it produces to ({@code WRITE})
 * @param groups           consumer groups it joins or commits offsets for ({@code READ})
 * @param transactionalIds transactional ids its producers use ({@code WRITE})
 * @param ownedTopics      topics it owns outright, such as a Kafka Streams application's changelog and
 *                         repartition topics ({@code ALL})
 * @param createdTopics    topics it creates at run time and then uses ({@code CREATE}, {@code READ}, {@code WRITE})
 */
public record BrokerPrincipal(String name, Set<String> reads, Set<String> writes, Set<ResourcePattern> groups,
        Set<ResourcePattern> transactionalIds, Set<ResourcePattern> ownedTopics, Set<ResourcePattern> createdTopics) {

    public BrokerPrincipal {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a principal needs a name");
        }
        reads = Collections.unmodifiableSet(new TreeSet<>(reads));
        writes = Collections.unmodifiableSet(new TreeSet<>(writes));
        groups = ofType(groups, ResourceType.GROUP, "groups");
        transactionalIds = ofType(transactionalIds, ResourceType.TRANSACTIONAL_ID, "transactionalIds");
        ownedTopics = ofType(ownedTopics, ResourceType.TOPIC, "ownedTopics");
        createdTopics = ofType(createdTopics, ResourceType.TOPIC, "createdTopics");
    }

    /** The principal the broker authorizes, {@code User:<name>}. */
    public String kafkaPrincipal() {
        return "User:" + name;
    }

    /** The ACL bindings that grant this principal its access, all {@code ALLOW} from any host. */
    public List<AclBinding> bindings() {
        List<AclBinding> bindings = new ArrayList<>();
        reads.forEach(topic -> bindings.add(allow(literal(ResourceType.TOPIC, topic), AclOperation.READ)));
        writes.forEach(topic -> bindings.add(allow(literal(ResourceType.TOPIC, topic), AclOperation.WRITE)));
        groups.forEach(group -> bindings.add(allow(group, AclOperation.READ)));
        transactionalIds.forEach(id -> bindings.add(allow(id, AclOperation.WRITE)));
        ownedTopics.forEach(topic -> bindings.add(allow(topic, AclOperation.ALL)));
        for (ResourcePattern topic : createdTopics) {
            for (AclOperation operation : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE)) {
                bindings.add(allow(topic, operation));
            }
        }
        return List.copyOf(bindings);
    }

    /** A resource named exactly {@code name}. */
    public static ResourcePattern literal(ResourceType type, String name) {
        return new ResourcePattern(type, name, PatternType.LITERAL);
    }

    /** Every resource whose name starts with {@code prefix}. */
    public static ResourcePattern prefixed(ResourceType type, String prefix) {
        return new ResourcePattern(type, prefix, PatternType.PREFIXED);
    }

    private AclBinding allow(ResourcePattern resource, AclOperation operation) {
        return new AclBinding(resource, new AccessControlEntry(kafkaPrincipal(), "*", operation, AclPermissionType.ALLOW));
    }

    private static Set<ResourcePattern> ofType(Collection<ResourcePattern> patterns, ResourceType type, String what) {
        for (ResourcePattern pattern : patterns) {
            if (pattern.resourceType() != type) {
                throw new IllegalArgumentException(what + " must be " + type + " patterns, got " + pattern);
            }
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(patterns));
    }
}
