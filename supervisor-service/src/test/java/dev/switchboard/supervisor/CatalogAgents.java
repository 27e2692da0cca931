package dev.switchboard.supervisor;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.streams.SupervisorQueries;
import dev.switchboard.testkit.TopicWriter;

/**
 * Publishes agents to {@code agents.catalog} and waits until the supervisor has read them: a turn is only routed to an
 * agent its catalog store holds, and the global store is filled by its own thread, apart from the turns.
 */
final class CatalogAgents {

    private CatalogAgents() {
    }

    static void publish(String bootstrap, SupervisorQueries queries, AgentDescriptor... agents) {
        for (AgentDescriptor agent : agents) {
            TopicWriter.send(bootstrap, Topics.AGENTS_CATALOG, agent.getId(), agent);
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(SupervisorQueries.NotQueryableException.class)
                .until(() -> Arrays.stream(agents).allMatch(agent -> queries.agent(agent.getId())
                        .filter(read -> read.getScopes().equals(agent.getScopes())
                                && read.getHandoffs().equals(agent.getHandoffs()))
                        .isPresent()));
    }
}
