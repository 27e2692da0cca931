package dev.switchboard.agent.sdk.definition;

import java.util.List;

/** An agent declaration that breaks the rules of {@link AgentRules}; lists every problem found. */
public class AgentDefinitionException extends RuntimeException {

    private final List<String> problems;

    public AgentDefinitionException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, each in the same words as the compile error. */
    public List<String> problems() {
        return problems;
    }
}
