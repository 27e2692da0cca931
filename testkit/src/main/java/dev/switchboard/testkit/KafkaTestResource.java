package dev.switchboard.testkit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.access.BrokerCredentials;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the JVM's shared embedded broker, with every catalog topic created
 * (plus the task topics of the agents named in the {@code agents} init argument, comma-separated, whose
 * principals and ACLs it also provisions), connected as the service principal named in the {@code principal}
 * init argument ({@code gateway}, {@code compliance}, {@code supervisor}, {@code memory}, {@code agent-service}),
 * so the test runs under the service's real ACLs. Use it with
 * {@code @WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = "gateway"))}.
 *
 * <p>It returns {@code kafka.bootstrap.servers}, {@code kafka.security.protocol}, {@code kafka.sasl.mechanism} and
 * {@code kafka.sasl.jaas.config} (the same with the {@code kafka-streams.} prefix for Kafka Streams), and
 * {@code switchboard.kafka.username}/{@code password}; for each agent
 * {@code switchboard.kafka.agents."<id>".password} (principal {@code agent-<id>}); for compliance,
 * {@code switchboard.kafka.redrive.password} (principal {@code redrive}, its re-drive of dead letters).
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private List<String> agents = List.of("concierge");
    private String principal = BrokerAccess.ADMIN;

    @Override
    public void init(Map<String, String> initArgs) {
        String names = initArgs.get("agents");
        if (names != null) {
            agents = Arrays.stream(names.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        String name = initArgs.get("principal");
        if (name == null || name.isBlank()) {
            System.getLogger(KafkaTestResource.class.getName()).log(System.Logger.Level.WARNING, "KafkaTestResource without a 'principal' init argument: the service"
                    + " connects as the super user " + BrokerAccess.ADMIN + " and its ACLs go untested");
        } else {
            principal = name.strip();
        }
    }

    @Override
    public Map<String, String> start() {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        kafka.provisionAgents(agents);
        new TopicProvisioner(kafka.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1,
                kafka.clientProperties(BrokerAccess.ADMIN)).ensure(Topics.all(agents));
        return config(kafka, principal, agents);
    }

    /** The Quarkus configuration that connects a service as {@code principal}, with its agents' passwords. */
    public static Map<String, String> config(EmbeddedKafka kafka, String principal, List<String> agents) {
        String password = kafka.password(principal);
        Map<String, String> config = new HashMap<>();
        BrokerCredentials.clientProperties(kafka.bootstrapServers(), principal, password).forEach((key, value) -> {
            config.put("kafka." + key, String.valueOf(value));
            if (!key.equals("bootstrap.servers")) {
                config.put("kafka-streams." + key, String.valueOf(value));
            }
        });
        config.put("switchboard.kafka.username", principal);
        config.put("switchboard.kafka.password", password);
        for (String agent : agents) {
            config.put("switchboard.kafka.agents.\"" + agent + "\".password",
                    kafka.password(BrokerAccess.agentPrincipal(agent)));
        }
        if (principal.equals(BrokerAccess.COMPLIANCE)) {
            config.put("switchboard.kafka.redrive.password", kafka.password(BrokerAccess.REDRIVE));
        }
        return Map.copyOf(config);
    }

    @Override
    public void stop() {
        // the broker is shared by the whole JVM and stops with it
    }
}
