package dev.switchboard.supervisor.rest;

import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.apache.kafka.streams.state.HostInfo;

import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.supervisor.TenantPolicies;
import dev.switchboard.supervisor.TenantPolicy;
import dev.switchboard.supervisor.streams.SupervisorQueries;

/**
 * What is used and left of a tenant's token budgets: per UTC day (answered by any instance, from the global
 * {@code budgets.tenants} table) and per session (answered by the instance that owns the session; others
 * redirect there with 307). A session is answered only to its own tenant: the tenant recorded with its usage,
 * by the supervisor from the tasks it issued, must be the path's, else 404 as for a session that does not exist.
 * Usage counts tokens, never content, so platform admins may read a tenant's day too.
 */
@Path("/v1/tenants/{tenant}")
@Produces(MediaType.APPLICATION_JSON)
public class BudgetResource {

    /** A tenant's budget on one day. */
    public record TenantBudget(String tenant, String day, long usedTokens, long results, long limitTokens,
            long remainingTokens, String policy) {
    }

    /** A session's budget over its life. */
    public record SessionBudget(String sessionId, String tenant, long usedTokens, long results, long limitTokens,
            long remainingTokens, boolean withPerson) {
    }

    private final SupervisorQueries queries;
    private final TenantPolicies policies;

    BudgetResource(SupervisorQueries queries, TenantPolicies policies) {
        this.queries = queries;
        this.policies = policies;
    }

    @GET
    @Path("/budgets")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN})
    public TenantBudget tenant(@PathParam("tenant") String tenant, @QueryParam("day") String day) {
        String on = day == null ? LocalDate.now(ZoneOffset.UTC).toString() : isoDate(day);
        TenantPolicy policy = policies.of(tenant, queries.policy(tenant).orElse(null));
        Optional<TenantUsage> usage = queries.tenantUsage(tenant, on);
        long used = usage.map(TenantUsage::getTokens).orElse(0L);
        return new TenantBudget(tenant, on, used, usage.map(TenantUsage::getResults).orElse(0L),
                policy.dailyTokens(), Math.max(0, policy.dailyTokens() - used), policy.source());
    }

    private static String isoDate(String day) {
        try {
            return LocalDate.parse(day).toString();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("invalid-request", "day must be an ISO date like 2026-03-02");
        }
    }

    @GET
    @Path("/sessions/{sessionId}/budget")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    public Response session(@PathParam("tenant") String tenant, @PathParam("sessionId") String sessionId) {
        Optional<HostInfo> owner = queries.ownerOf(sessionId);
        if (owner.isPresent()) {
            return Response.temporaryRedirect(ownerUri(owner.get(), "/v1/tenants/{tenant}/sessions/{sessionId}/budget",
                    tenant, sessionId)).build();
        }
        SessionUsage used = queries.sessionUsage(sessionId).filter(usage -> tenant.equals(usage.getTenant()))
                .orElseThrow(ProblemException::notFound);
        TenantPolicy policy = policies.of(tenant, queries.policy(tenant).orElse(null));
        return Response.ok(new SessionBudget(sessionId, tenant, used.getTokens(), used.getResults(),
                policy.sessionTokens(), Math.max(0, policy.sessionTokens() - used.getTokens()),
                queries.escalation(sessionId).isPresent())).build();
    }

    /** The same route on the instance that owns the session; path parameters are encoded. */
    static URI ownerUri(HostInfo owner, String template, String tenant, String sessionId) {
        return UriBuilder.fromPath(template).scheme("http").host(owner.host()).port(owner.port())
                .build(tenant, sessionId);
    }
}
