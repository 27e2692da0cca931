package dev.switchboard.supervisor.streams;

import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.supervisor.Delegation;
import dev.switchboard.supervisor.RouterModel;
import dev.switchboard.supervisor.Routing;
import dev.switchboard.supervisor.TenantPolicies;
import dev.switchboard.supervisor.config.SupervisorConfig;

/**
 * The supervisor's rules, shared by its processors: configuration, routing, delegation, tenant policies, and the
 * key that signs the ticket of every task it issues.
 */
record Supervision(SupervisorConfig config, Routing routing, Delegation delegation, TenantPolicies policies,
        TaskTickets tickets) {

    static Supervision of(SupervisorConfig config, RouterModel router, TenantPolicies policies, TaskTickets tickets) {
        return new Supervision(config, new Routing(config, router), new Delegation(config), policies, tickets);
    }
}
