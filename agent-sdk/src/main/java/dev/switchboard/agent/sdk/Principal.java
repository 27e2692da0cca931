package dev.switchboard.agent.sdk;

import java.util.Objects;

/**
 * Who a task is for: a tenant and the tenant's user. It never changes along a chain of handoffs.
 *
 * @param tenant the tenant id
 * @param user   the tenant's canonical user id
 */
public record Principal(String tenant, String user) {

    public Principal {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(user, "user");
    }
}
