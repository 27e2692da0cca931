package dev.switchboard.supervisor;

import java.util.Collection;

import dev.switchboard.events.AgentDescriptor;

/** The agents the supervisor knows, as declared on {@code agents.catalog}. */
public interface AgentDirectory {

    /** What an agent declares, or null when the catalog does not have it. */
    AgentDescriptor find(String id);

    /** Every agent in the catalog. */
    Collection<AgentDescriptor> all();
}
