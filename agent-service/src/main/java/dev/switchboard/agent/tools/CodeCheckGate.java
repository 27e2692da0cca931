package dev.switchboard.agent.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import dev.switchboard.agent.sdk.definition.AgentDefinition;

/** Placeholder until the bytecode check lands: refuses nothing. */
final class CodeCheckGate {

    private CodeCheckGate() {
    }

    static void requireClean(AgentDefinition definition, List<Path> roots, Set<String> agentClassNames)
            throws IOException {
    }
}
