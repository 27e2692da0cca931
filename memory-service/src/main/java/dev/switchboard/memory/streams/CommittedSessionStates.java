package dev.switchboard.memory.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.jboss.logging.Logger;

import dev.switchboard.events.SessionState;
import dev.switchboard.schemas.Topics;

/**
 * Reads one partition of {@code sessions.state} from its beginning to its last committed record
 * ({@code read_committed}, up to the last stable offset), with a consumer of its own (no group): what memory's store
 * is rebuilt from when a task starts, instead of from a changelog of its own. Memory writes {@code sessions.state}
 * in the same transaction as it commits its input offsets, so the committed records are exactly the states of the
 * committed inputs. A record that does not decode (memory never writes one) is passed over with a warning.
 */
public final class CommittedSessionStates implements SessionStateSource {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Logger LOG = Logger.getLogger(CommittedSessionStates.class);

    private final Map<String, Object> connection;

    /** @param connection bootstrap servers and memory's broker credentials */
    public CommittedSessionStates(Map<String, Object> connection) {
        this.connection = Map.copyOf(connection);
    }

    @Override
    public void read(int partition, Visitor visitor) {
        Map<String, Object> settings = new HashMap<>(connection);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-memory-load-" + partition + "-" + UUID.randomUUID());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (KafkaConsumer<String, SessionState> consumer = new KafkaConsumer<>(settings,
                Topics.SESSIONS_STATE.keySerde().deserializer(), Topics.SESSIONS_STATE.valueSerde().deserializer())) {
            TopicPartition topicPartition = new TopicPartition(Topics.SESSIONS_STATE.name(), partition);
            consumer.assign(List.of(topicPartition));
            consumer.seekToBeginning(List.of(topicPartition));
            long end = consumer.endOffsets(List.of(topicPartition)).get(topicPartition);
            while (consumer.position(topicPartition) < end) {
                ConsumerRecords<String, SessionState> records;
                try {
                    records = consumer.poll(POLL);
                } catch (RecordDeserializationException e) {
                    // Not a state memory wrote (memory writes only what it decoded); the topic's readers
                    // dead-letter it. Loading passes over it rather than failing the task at every start.
                    LOG.warnf("Passing over a record of %s that does not decode, at offset %d", e.topicPartition(),
                            e.offset());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, SessionState> record : records) {
                    if (record.key() != null) {
                        visitor.state(record.key(), record.value(), record.timestamp());
                    }
                }
            }
        }
    }
}
