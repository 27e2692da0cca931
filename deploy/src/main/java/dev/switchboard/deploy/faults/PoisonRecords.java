package dev.switchboard.deploy.faults;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.access.BrokerPrincipal;

/**
 * Records that no reader can decode, one on every topic a service or an agent consumes, for fault tests: each must
 * end in {@code deadletters} (with its source in the headers and its key {@link #keyOf}) while the service goes on.
 * The topics come from the broker's access rules: whatever a service's or agent's principal may read.
 */
public final class PoisonRecords {

    /**
     * Topics that services read only on request (an audit verification, a session's timeline), not as a stream:
     * a record there that does not decode is skipped by the request that reads it, and nothing is dead-lettered.
     */
    public static final Set<String> READ_ON_REQUEST = Set.of(Topics.AUDIT_ANCHORS.name(), Topics.DELIVERIES.name(),
            Topics.HUMAN_QUEUE.name());

    private PoisonRecords() {
    }

    /** Every topic the services and these agents read, but {@code deadletters}, in order. */
    public static Set<String> inputTopics(Collection<String> agents) {
        Set<String> inputs = new TreeSet<>();
        for (BrokerPrincipal principal : BrokerAccess.principals(agents)) {
            if (BrokerAccess.SERVICES.contains(principal.name())
                    || BrokerAccess.agentIdOf(principal.name()).isPresent()) {
                inputs.addAll(principal.reads());
            }
        }
        inputs.remove(Topics.DEAD_LETTERS.name());
        return inputs;
    }

    /** The key of the poison record of a topic. */
    public static String keyOf(String topic) {
        return "poison-" + topic;
    }

    /** Writes one undecodable record to each topic and waits until the broker has them all. */
    public static void write(Map<String, Object> clientProperties, Collection<String> topics) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(new HashMap<>(clientProperties),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String topic : topics) {
                producer.send(new ProducerRecord<>(topic, keyOf(topic).getBytes(StandardCharsets.UTF_8),
                        ("\u0000\u0001not a record of " + topic).getBytes(StandardCharsets.UTF_8))).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing poison records", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a poison record could not be written", e.getCause());
        }
    }
}
