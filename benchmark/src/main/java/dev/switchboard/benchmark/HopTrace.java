package dev.switchboard.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

import dev.switchboard.events.Envelope;
import dev.switchboard.schemas.Topics;

/**
 * Where the wall-clock time of an idle turn goes, hop by hop. Every event of a turn carries in its envelope the
 * moment its writer made it ({@code occurredAt}, set by {@code Envelopes.derive} in each service), so the records of
 * one turn on the path's topics, read back after the turns were sent one at a time, give a waterfall: from the HTTP
 * request to the turn on {@code turns.raw} (the gateway), to the cleared turn (compliance), to the first agent task
 * (the supervisor), to the agent's raw result (agent-service), to the cleared result (compliance), to the reply
 * (the supervisor), and from there to the HTTP answer. Each segment ends when the next writer made its event, so it
 * holds the previous writer's commit, the broker's hand-over to the next reader and that reader's own work.
 */
final class HopTrace {

    /** The path's topics in order, each with the segment that ends when its first event of the turn is made. */
    static final List<Stage> STAGES = List.of(
            new Stage("turns.raw", "HTTP request → turn published (gateway)"),
            new Stage("turns.cleared", "→ turn cleared (compliance)"),
            new Stage("agent.tasks", "→ agent task (supervisor)"),
            new Stage("agent.results.raw", "→ agent result (agent-service)"),
            new Stage("agent.results.cleared", "→ result cleared (compliance)"),
            new Stage("replies.outbound", "→ reply (supervisor)"));

    static final String ANSWERED = "→ HTTP answer with the reply (commit, gateway)";

    record Stage(String topic, String segment) {
    }

    /** One turn sent: its id and the wall-clock moments its HTTP request started and its answer came back. */
    record Sent(String turnId, long requestMillis, long answerMillis) {
    }

    /** The p50 and p99 of one segment over the turns traced, in ms, and how many turns had it. */
    record Segment(String name, long count, long p50, long p99) {
    }

    private static final Pattern TURN_ID = Pattern.compile("\"turnId\"\\s*:\\s*\"([^\"]+)\"");

    private HopTrace() {
    }

    /** The turn id in a 200 answer's body, or null. */
    static String turnId(String body) {
        Matcher matcher = TURN_ID.matcher(body);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** End offsets of every partition of the path's topics (and every agent's task topic): where tracing starts. */
    static Map<TopicPartition, Long> positions(Map<String, Object> kafka) {
        try (KafkaConsumer<byte[], byte[]> consumer = CommittedRecords.consumer(kafka)) {
            return consumer.endOffsets(partitions(consumer));
        }
    }

    /**
     * Reads the path's topics from {@code from} on and times the segments of the turns sent.
     *
     * @return one segment per stage and the last one to the answer, in path order
     */
    static List<Segment> segments(Map<String, Object> kafka, Map<TopicPartition, Long> from, List<Sent> sent) {
        Map<String, Map<String, Long>> madeAt = new HashMap<>();
        sent.forEach(turn -> madeAt.put(turn.turnId(), new HashMap<>()));
        List<TopicPartition> partitions;
        try (KafkaConsumer<byte[], byte[]> consumer = CommittedRecords.consumer(kafka)) {
            partitions = partitions(consumer);
        }
        Map<String, Deserializer<?>> values = new HashMap<>();
        CommittedRecords.read(kafka, partitions, from, Duration.ofSeconds(30), record -> {
            Envelope envelope = envelope(record, values.computeIfAbsent(record.topic(), HopTrace::valuesOf));
            if (envelope != null && madeAt.containsKey(envelope.getTurnId())) {
                // The first event of the turn on each topic: a handoff adds later tasks and results.
                madeAt.get(envelope.getTurnId()).merge(stageOf(record.topic()), envelope.getOccurredAt().toEpochMilli(),
                        Math::min);
            }
        });
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        STAGES.forEach(stage -> histograms.put(stage.segment(), new Histogram(3_600_000L, 3)));
        histograms.put(ANSWERED, new Histogram(3_600_000L, 3));
        for (Sent turn : sent) {
            Map<String, Long> made = madeAt.get(turn.turnId());
            long previous = turn.requestMillis();
            boolean complete = true;
            for (Stage stage : STAGES) {
                Long at = made.get(stage.topic());
                if (at == null) {
                    complete = false;
                    break;
                }
                histograms.get(stage.segment()).recordValue(Math.max(0, at - previous));
                previous = at;
            }
            if (complete) {
                histograms.get(ANSWERED).recordValue(Math.max(0, turn.answerMillis() - previous));
            }
        }
        List<Segment> segments = new ArrayList<>();
        histograms.forEach((name, histogram) -> segments.add(new Segment(name, histogram.getTotalCount(),
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99))));
        return segments;
    }

    private static String stageOf(String topic) {
        if (isAgentTasks(topic)) {
            return "agent.tasks";
        }
        return STAGES.stream().map(Stage::topic).filter(topic::equals).findFirst().orElse(null);
    }

    private static boolean isAgentTasks(String topic) {
        return topic.startsWith("agent.") && topic.endsWith(".tasks");
    }

    /** The value deserializer of one of the path's topics. */
    private static Deserializer<?> valuesOf(String topic) {
        if (isAgentTasks(topic)) {
            return Topics.agentTasks(topic.substring("agent.".length(), topic.length() - ".tasks".length()))
                    .valueSerde().deserializer();
        }
        return switch (topic) {
            case "turns.raw" -> Topics.TURNS_RAW.valueSerde().deserializer();
            case "turns.cleared" -> Topics.TURNS_CLEARED.valueSerde().deserializer();
            case "agent.results.raw" -> Topics.AGENT_RESULTS_RAW.valueSerde().deserializer();
            case "agent.results.cleared" -> Topics.AGENT_RESULTS_CLEARED.valueSerde().deserializer();
            case "replies.outbound" -> Topics.REPLIES_OUTBOUND.valueSerde().deserializer();
            default -> throw new IllegalArgumentException("not a topic of the path: " + topic);
        };
    }

    private static Envelope envelope(ConsumerRecord<byte[], byte[]> record, Deserializer<?> values) {
        if (record.value() == null) {
            return null;
        }
        try {
            SpecificRecord value = (SpecificRecord) values.deserialize(record.topic(), record.value());
            return (Envelope) value.get(value.getSchema().getField("envelope").pos());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.listTopics().forEach((topic, infos) -> {
            if (stageOf(topic) != null) {
                infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
        });
        return partitions;
    }
}
