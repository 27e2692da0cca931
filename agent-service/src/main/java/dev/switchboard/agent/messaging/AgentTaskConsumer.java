package dev.switchboard.agent.messaging;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

import dev.switchboard.agent.AgentRunner;
import dev.switchboard.agent.config.AgentServiceConfig;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.schemas.Topics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Reads the task topics of the hosted agents ({@code agent.<name>.tasks}) and writes one result per
 * task to {@code agent.results.raw}, keyed by session id. A task is acknowledged only once its result
 * is on the broker; a redelivered task yields a result with the same event id (derived from the task's).
 */
@ApplicationScoped
public class AgentTaskConsumer {

    public static final String TASKS = "agent-tasks";
    public static final String RESULTS = "agent-results-raw";

    private final AgentRunner runner;
    private final List<String> agents;
    private final String subscribedTopics;

    AgentTaskConsumer(AgentServiceConfig config,
            @ConfigProperty(name = "mp.messaging.incoming." + TASKS + ".topics") String subscribedTopics) {
        this.agents = config.agents();
        this.runner = new AgentRunner(agents);
        this.subscribedTopics = subscribedTopics;
    }

    /** Fails start-up when a hosted agent's task topic is not subscribed: its tasks would never be read. */
    void checkSubscriptions(@Observes StartupEvent startup) {
        Set<String> subscribed = Arrays.stream(subscribedTopics.split(",")).map(String::strip)
                .collect(Collectors.toSet());
        for (String agent : agents) {
            String topic = Topics.agentTasks(agent).name();
            if (!subscribed.contains(topic)) {
                throw new IllegalStateException("Agent " + agent + " is hosted but its task topic " + topic
                        + " is not in mp.messaging.incoming." + TASKS + ".topics=" + subscribedTopics);
            }
        }
    }

    @Incoming(TASKS)
    @Outgoing(RESULTS)
    @Blocking
    public Record<String, AgentResult> answer(AgentTask task) {
        if (task == null) {
            // fail-on-deserialization-failure=false hands an undecodable record over as null: dead-letter it
            throw new IllegalArgumentException("Undecodable record on an agent task topic");
        }
        AgentResult result = runner.run(task);
        return Record.of(task.getEnvelope().getSessionId(), result);
    }
}
