package dev.switchboard.agent.tools;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.agent.config.AgentServiceConfig;
import dev.switchboard.agent.sdk.host.EgressRoute;
import dev.switchboard.agent.sdk.host.ToolProcess;

/**
 * How agent-service starts its agents' tool processes.
 *
 * @param maxHeapMb       heap limit of each tool process
 * @param maxOutputChars  the most characters of a tool result the model reads
 * @param network         whether tool processes get a network ({@code AUTO}: none where the machine allows)
 * @param extraClasspath  libraries the agents' code needs beyond their module and the SDK (checked too)
 * @param egressByAgent   per agent id, where each declared egress goes
 */
public record ToolSettings(int maxHeapMb, int maxOutputChars, ToolProcess.Network network, List<Path> extraClasspath,
        Map<String, Map<String, EgressRoute>> egressByAgent) {

    public ToolSettings {
        extraClasspath = List.copyOf(extraClasspath);
        egressByAgent = Map.copyOf(egressByAgent);
    }

    /** The defaults of {@link AgentServiceConfig.Tools}, with no egress. */
    public static ToolSettings defaults() {
        return new ToolSettings(128, 16_000, ToolProcess.Network.AUTO, List.of(), Map.of());
    }

    public static ToolSettings of(AgentServiceConfig config) {
        Map<String, Map<String, EgressRoute>> egress = new HashMap<>();
        config.egress().forEach((agent, routes) -> {
            Map<String, EgressRoute> byName = new HashMap<>();
            routes.forEach((name, route) -> byName.put(name, new EgressRoute(route.url(), route.headers())));
            egress.put(agent, byName);
        });
        AgentServiceConfig.Tools tools = config.tools();
        return new ToolSettings(tools.maxHeapMb(), tools.maxOutputChars(), tools.network(),
                tools.classpath().orElse(List.of()), egress);
    }
}
