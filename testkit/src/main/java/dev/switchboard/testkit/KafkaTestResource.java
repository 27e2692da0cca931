package dev.switchboard.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the JVM's shared embedded broker, with every catalog topic created
 * (plus the task topics of the agents named in the {@code agents} init argument, comma-separated).
 * Use it with {@code @WithTestResource(KafkaTestResource.class)}.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private List<String> agents = List.of("concierge");

    @Override
    public void init(Map<String, String> initArgs) {
        String names = initArgs.get("agents");
        if (names != null) {
            agents = Arrays.stream(names.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        new TopicProvisioner(bootstrap, Topics.DEFAULT_PARTITIONS, (short) 1).ensure(Topics.all(agents));
        return Map.of("kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public void stop() {
        // the broker is shared by the whole JVM and stops with it
    }
}
