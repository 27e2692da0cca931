package dev.switchboard.agent.sdk.definition;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The agents a runtime hosts, checked together: ids are unique and every handoff names a hosted agent or
 * one of the other known agents. These are the rules the compile-time processor checks across one build.
 */
public final class AgentCatalog {

    /**
     * The resource in which the processor lists the agent classes of a build, one class name per line; the
     * runtime finds agents through it.
     */
    public static final String AGENTS_RESOURCE = "META-INF/switchboard/agents";

    private final Map<String, AgentDefinition> agents;

    private AgentCatalog(Map<String, AgentDefinition> agents) {
        this.agents = agents;
    }

    /**
     * Reads and checks agent classes.
     *
     * @param knownAgents ids of agents hosted elsewhere that handoffs may name
     * @throws AgentDefinitionException listing every broken rule
     */
    public static AgentCatalog of(Collection<Class<?>> agentClasses, Set<String> knownAgents) {
        Map<String, AgentDefinition> agents = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Class<?> type : agentClasses) {
            AgentDefinition definition;
            try {
                definition = AgentDefinition.of(type);
            } catch (AgentDefinitionException e) {
                problems.addAll(e.problems());
                continue;
            }
            AgentDefinition other = agents.putIfAbsent(definition.id(), definition);
            if (other != null) {
                problems.add(AgentRules.duplicateAgentId(definition.id(), other.type().getName()));
            }
        }
        for (AgentDefinition definition : agents.values()) {
            for (AgentDefinition.HandoffTarget handoff : definition.handoffs()) {
                if (!agents.containsKey(handoff.to()) && !knownAgents.contains(handoff.to())) {
                    problems.add(AgentRules.unknownHandoff(definition.id(), handoff.to()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AgentDefinitionException(problems);
        }
        return new AgentCatalog(agents);
    }

    /** Finds the agent classes listed by the processor in {@link #AGENTS_RESOURCE} files and checks them. */
    public static AgentCatalog discover(ClassLoader classLoader, Set<String> knownAgents) {
        Set<Class<?>> classes = new LinkedHashSet<>();
        try {
            Enumeration<URL> lists = classLoader.getResources(AGENTS_RESOURCE);
            while (lists.hasMoreElements()) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(lists.nextElement().openStream(), StandardCharsets.UTF_8))) {
                    for (String line : reader.lines().map(String::strip).toList()) {
                        if (!line.isEmpty() && !line.startsWith("#")) {
                            classes.add(Class.forName(line, false, classLoader));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("An agent listed in " + AGENTS_RESOURCE + " is missing", e);
        }
        return of(classes, knownAgents);
    }

    public Collection<AgentDefinition> agents() {
        return agents.values();
    }

    public Optional<AgentDefinition> agent(String id) {
        return Optional.ofNullable(agents.get(id));
    }
}
