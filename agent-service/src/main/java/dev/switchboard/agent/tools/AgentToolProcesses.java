package dev.switchboard.agent.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.definition.AgentDefinitionException;
import dev.switchboard.agent.sdk.definition.CodeCheck;
import dev.switchboard.agent.sdk.host.ClassRoots;
import dev.switchboard.agent.sdk.host.ToolProcess;

/**
 * Starts a hosted agent's tool process: the agent's module (the jar or directory its class comes from) and
 * the configured extra libraries run there, next to the SDK; nothing of agent-service does. Before it
 * starts, the module's bytecode is checked against the runtime's code rules, so an agent built with the
 * processor switched off is refused at start, with a report naming class, method and call.
 */
public final class AgentToolProcesses {

    private AgentToolProcesses() {
    }

    /**
     * @param agentClassNames every agent class this service knows, so that one agent's code calling into
     *                        another's is refused
     */
    public static ToolProcess start(AgentDefinition definition, Set<String> agentClassNames, ToolSettings settings) {
        List<Path> agentCode = new ArrayList<>(new LinkedHashSet<>(List.of(
                ClassRoots.of(definition.type().getName(), definition.type().getClassLoader()))));
        agentCode.addAll(settings.extraClasspath());
        check(definition, agentCode, agentClassNames);
        List<Path> classpath = new ArrayList<>(agentCode);
        classpath.addAll(ClassRoots.runtime());
        ToolProcess.Options options = new ToolProcess.Options(classpath, settings.maxHeapMb(),
                settings.maxOutputChars(), settings.network(),
                settings.egressByAgent().getOrDefault(definition.id(), Map.of()), Duration.ofMillis(500),
                Duration.ofSeconds(30));
        return ToolProcess.start(definition, options);
    }

    private static void check(AgentDefinition definition, List<Path> agentCode, Set<String> agentClassNames) {
        try {
            CodeCheck.requireClean(agentCode, agentClassNames);
        } catch (AgentDefinitionException e) {
            throw new IllegalStateException("Agent '" + definition.id() + "' is refused at start. " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the code of agent '" + definition.id() + "'", e);
        }
    }
}
