package dev.switchboard.agent;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;

/** Results as the host builds them, for tests outside this package. */
public final class Results {

    private Results() {
    }

    /** A failure result of {@code task} with the given code, as the host writes it. */
    public static AgentResult failure(AgentTask task, String code) {
        return TaskMapping.failure(task, code, code);
    }
}
