package dev.switchboard.compliance.rest;

import dev.switchboard.compliance.audit.PlatformChain;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;

/** Which path tenants the routes serve: every tenant, and the platform chain to platform admins only. */
final class Tenants {

    private Tenants() {
    }

    /**
     * 404 for the reserved platform chain unless the caller is a platform admin: a token that claims it as its
     * tenant (which no identity provider should issue) reads nothing of it.
     */
    static void requireServed(String tenant, Caller caller) {
        if (PlatformChain.isReserved(tenant) && !caller.hasRole(Roles.ADMIN)) {
            throw ProblemException.notFound();
        }
    }
}
