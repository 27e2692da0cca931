package dev.switchboard.deploy.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where and on which ports the local stack runs.
 *
 * @param root           the repository root, where each service's packaged jar is found
 * @param home           data and logs of this stack (broker log dirs, PostgreSQL data, Streams state)
 * @param kafkaPort      the broker's client port
 * @param controllerPort the broker's KRaft controller port
 * @param postgresPort   PostgreSQL's port
 * @param services       the services to start, in start order
 * @param partitions     partitions of every session-keyed topic
 * @param agents         agents whose task topics are created
 * @param extra          further system properties per service module (channel secrets in a test, for example)
 */
public record LocalSettings(Path root, Path home, int kafkaPort, int controllerPort, int postgresPort,
        List<ServiceSpec> services, int partitions, List<String> agents, Map<String, Map<String, String>> extra) {

    public LocalSettings(Path root, Path home, int kafkaPort, int controllerPort, int postgresPort,
            List<ServiceSpec> services, int partitions, List<String> agents) {
        this(root, home, kafkaPort, controllerPort, postgresPort, services, partitions, agents, Map.of());
    }

    /** These settings with further system properties for one service. */
    public LocalSettings withProperties(String module, Map<String, String> properties) {
        Map<String, Map<String, String>> more = new java.util.HashMap<>(extra);
        more.merge(module, properties, (a, b) -> {
            Map<String, String> merged = new java.util.HashMap<>(a);
            merged.putAll(b);
            return Map.copyOf(merged);
        });
        return new LocalSettings(root, home, kafkaPort, controllerPort, postgresPort, services, partitions, agents,
                Map.copyOf(more));
    }

    /**
     * One Quarkus service of the stack.
     *
     * @param port           its API port
     * @param managementPort its management interface: health, metrics and the route list (OpenAPI), unauthenticated
     */
    public record ServiceSpec(String module, int port, int managementPort) {

        /** The fast-jar launcher Quarkus packages for the module. */
        public Path jar(Path root) {
            return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        }
    }

    public static final int GATEWAY = 8080;

    /** The defaults of the local run: well-known ports, data under {@code .switchboard/} of the repository. */
    public static LocalSettings defaults(Path root) {
        return new LocalSettings(root, root.resolve(".switchboard"), 9092, 9093, 15432,
                services(GATEWAY, 8081, 8082, 8083, 8084), 6,
                List.of("concierge", "billing-agent", "tech-support"));
    }

    /** The five services in start order (readers of a topic start before its writers), management on port + 1000. */
    public static List<ServiceSpec> services(int gateway, int compliance, int supervisor, int agent, int memory) {
        return services(new int[] {gateway, compliance, supervisor, agent, memory},
                new int[] {gateway + 1000, compliance + 1000, supervisor + 1000, agent + 1000, memory + 1000});
    }

    /**
     * The five services in start order, with API ports and management ports given in the order gateway, compliance,
     * supervisor, agent-service, memory.
     */
    public static List<ServiceSpec> services(int[] ports, int[] managementPorts) {
        return List.of(
                new ServiceSpec("memory-service", ports[4], managementPorts[4]),
                new ServiceSpec("supervisor-service", ports[2], managementPorts[2]),
                new ServiceSpec("agent-service", ports[3], managementPorts[3]),
                new ServiceSpec("compliance-service", ports[1], managementPorts[1]),
                new ServiceSpec("gateway-service", ports[0], managementPorts[0]));
    }

    public String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgresPort + "/postgres";
    }

    public int port(String module) {
        return spec(module).port();
    }

    public int managementPort(String module) {
        return spec(module).managementPort();
    }

    private ServiceSpec spec(String module) {
        return services.stream().filter(s -> s.module().equals(module)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + module));
    }

    public Path logs() {
        return home.resolve("logs");
    }

    /** Keys, credentials and per-service secret files of this stack (owner-only). */
    public Path secrets() {
        return home.resolve("secrets");
    }
}
