package dev.switchboard.supervisor;

import java.util.Collection;
import java.util.Optional;

import dev.switchboard.events.AgentDescriptor;

/**
 * Chooses among the agents of the catalog by what they describe, for a turn that no rule routes. It runs
 * inside the supervisor's stream processing, so an implementation must answer fast and must not block on
 * the network; when it has no confident choice it answers empty and the default agent takes the turn.
 */
public interface RouterModel {

    /** The agent for this text, and why. */
    record Pick(String agent, String reason) {
    }

    Optional<Pick> choose(String text, Collection<AgentDescriptor> agents);
}
