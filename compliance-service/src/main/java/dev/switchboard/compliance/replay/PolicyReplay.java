package dev.switchboard.compliance.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.switchboard.compliance.Cleared;
import dev.switchboard.compliance.EventRedactor;
import dev.switchboard.compliance.audit.OperationsAudit;
import dev.switchboard.compliance.policy.CompliancePolicies;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.serde.AvroSerializer;

/**
 * Re-runs compliance over a session's recorded raw events ({@code turns.raw}, {@code agent.results.raw}) under
 * the tenant's policy in force now, and writes what it would publish to topics of a run of its own,
 * {@code replay.<run>.turns.cleared}, {@code replay.<run>.turns.rejected} and
 * {@code replay.<run>.agent.results.cleared} (one partition, kept 7 days). Nothing is written to the live topics,
 * and the replayed events are not audited again: a replay shows what a policy does to a real conversation without
 * touching live state. The replay itself is audited, as one {@code REPLAY} row in the tenant's requests chain naming
 * who ran it. Only the tenant's own events of the session are replayed ({@link SessionTimeline}: never another tenant's
 * events on the same key, never a result refused for its ticket). Its clients connect as the service's principal
 * ({@link KafkaClientConfig}).
 */
@ApplicationScoped
public class PolicyReplay {

    /** Prefix of every replay topic: ACLs can grant it to auditors and deny it to services. */
    public static final String NAMESPACE = "replay.";
    private static final long RETENTION_MS = TimeUnit.DAYS.toMillis(7);
    private static final long TIMEOUT_SECONDS = 30;

    /** What one replay produced. */
    public record Run(String runId, String sessionId, Map<String, String> topics, int replayed,
            List<Outcome> outcomes) {
    }

    /** What compliance decides today about one recorded event. */
    public record Outcome(String eventId, String topic, String decision, String publishedTo) {
    }

    private final SessionTimeline timeline;
    private final CompliancePolicies policies;
    private final OperationsAudit audit;
    private final KafkaClientConfig kafka;

    PolicyReplay(SessionTimeline timeline, CompliancePolicies policies, OperationsAudit audit, KafkaClientConfig kafka) {
        this.timeline = timeline;
        this.policies = policies;
        this.audit = audit;
        this.kafka = kafka;
    }

    /**
     * @param actor who asked for the replay, as the audit row records it
     */
    public Run replay(String tenant, String sessionId, String actor) {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> topics = new HashMap<>();
        for (String live : List.of(Topics.TURNS_CLEARED.name(), Topics.TURNS_REJECTED.name(),
                Topics.AGENT_RESULTS_CLEARED.name())) {
            topics.put(live, NAMESPACE + runId + "." + live);
        }
        createTopics(topics.values());
        List<SessionTimeline.Recorded> raw = timeline.read(tenant, sessionId, null, null,
                Set.of(Topics.TURNS_RAW.name(), Topics.AGENT_RESULTS_RAW.name()));
        List<Outcome> outcomes = new ArrayList<>();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(kafka.with(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-replay-" + runId)),
                new StringSerializer(), new AvroSerializer())) {
            for (SessionTimeline.Recorded recorded : raw) {
                Cleared<? extends SpecificRecord> cleared = clear(recorded.event());
                if (cleared == null) {
                    continue;
                }
                String live = cleared.event() instanceof TurnRejected ? Topics.TURNS_REJECTED.name()
                        : cleared.event() instanceof TurnReceived ? Topics.TURNS_CLEARED.name()
                        : Topics.AGENT_RESULTS_CLEARED.name();
                producer.send(new ProducerRecord<>(topics.get(live), sessionId, cleared.event()))
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                outcomes.add(new Outcome(eventIdOf(recorded.event()), recorded.topic(), cleared.decision(),
                        topics.get(live)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying session " + sessionId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write the replay of session " + sessionId + ": " + e.getMessage(), e);
        }
        Run run = new Run(runId, sessionId, topics, outcomes.size(), outcomes);
        audit.replayed(tenant, sessionId, actor, summary(run));
        return run;
    }

    /** What the audit row keeps of a run: ids and decisions, no content. */
    private static Map<String, Object> summary(Run run) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("runId", run.runId());
        summary.put("topics", run.topics());
        summary.put("replayed", run.replayed());
        summary.put("outcomes", run.outcomes().stream()
                .map(outcome -> Map.of("eventId", outcome.eventId(), "decision", outcome.decision())).toList());
        return summary;
    }

    private Cleared<? extends SpecificRecord> clear(SpecificRecord event) {
        if (event instanceof TurnReceived turn) {
            return EventRedactor.clear(turn, policies.forEvent(turn.getEnvelope().getTenant()));
        }
        if (event instanceof AgentResult result) {
            return EventRedactor.clear(result, policies.forEvent(result.getEnvelope().getTenant()));
        }
        return null;
    }

    private static String eventIdOf(SpecificRecord event) {
        return event instanceof TurnReceived turn ? turn.getEnvelope().getEventId()
                : ((AgentResult) event).getEnvelope().getEventId();
    }

    private void createTopics(Iterable<String> names) {
        List<NewTopic> topics = new ArrayList<>();
        names.forEach(name -> topics.add(new NewTopic(name, 1, (short) -1)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(RETENTION_MS)))));
        try (Admin admin = Admin.create(kafka.connection())) {
            admin.createTopics(topics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating replay topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the replay topics: " + e.getMessage(), e);
        }
    }
}
