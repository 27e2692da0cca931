package dev.switchboard.supervisor.rest;

import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;

import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.supervisor.TenantPolicies;
import dev.switchboard.supervisor.TenantPolicy;
import dev.switchboard.supervisor.streams.SupervisorQueries;

/**
 * What is used and left of the token budgets: per tenant and UTC day (answered by any instance, from the
 * global {@code budgets.tenants} table) and per session (answered by the instance that owns the session;
 * others redirect there with 307).
 */
@Path("/v1/budgets")
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
    @Path("/tenants/{tenant}")
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
            throw new IllegalArgumentException("day must be an ISO date like 2026-03-02, got: " + day);
        }
    }

    @GET
    @Path("/sessions/{sessionId}")
    public Response session(@PathParam("sessionId") String sessionId) {
        Optional<HostInfo> owner = queries.ownerOf(sessionId);
        if (owner.isPresent()) {
            return Response.temporaryRedirect(URI.create("http://" + owner.get().host() + ":" + owner.get().port()
                    + "/v1/budgets/sessions/" + sessionId)).build();
        }
        Optional<SessionUsage> usage = queries.sessionUsage(sessionId);
        if (usage.isEmpty()) {
            return OperatorKey.error(Response.Status.NOT_FOUND, "session-not-found",
                    "No agent result has been debited to session " + sessionId);
        }
        SessionUsage used = usage.get();
        TenantPolicy policy = policies.of(used.getTenant(), queries.policy(used.getTenant()).orElse(null));
        return Response.ok(new SessionBudget(sessionId, used.getTenant(), used.getTokens(), used.getResults(),
                policy.sessionTokens(), Math.max(0, policy.sessionTokens() - used.getTokens()),
                queries.escalation(sessionId).isPresent())).build();
    }
}
