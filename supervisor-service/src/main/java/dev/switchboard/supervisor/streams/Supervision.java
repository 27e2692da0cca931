package dev.switchboard.supervisor.streams;

import dev.switchboard.supervisor.Delegation;
import dev.switchboard.supervisor.RouterModel;
import dev.switchboard.supervisor.Routing;
import dev.switchboard.supervisor.TenantPolicies;
import dev.switchboard.supervisor.config.SupervisorConfig;

/** The supervisor's rules, shared by its processors: configuration, routing, delegation and tenant policies. */
record Supervision(SupervisorConfig config, Routing routing, Delegation delegation, TenantPolicies policies) {

    static Supervision of(SupervisorConfig config, RouterModel router, TenantPolicies policies) {
        return new Supervision(config, new Routing(config, router), new Delegation(config), policies);
    }
}
