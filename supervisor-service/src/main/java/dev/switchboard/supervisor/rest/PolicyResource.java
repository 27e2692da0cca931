package dev.switchboard.supervisor.rest;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.switchboard.events.RoutingRule;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.Routing;
import dev.switchboard.supervisor.TenantPolicies;
import dev.switchboard.supervisor.TenantPolicy;
import dev.switchboard.supervisor.messaging.ControlPublisher;
import dev.switchboard.supervisor.streams.SupervisorQueries;

/**
 * A tenant's routing rules and budgets at run time. GET shows the policy in force (published or configured) to
 * the tenant's operators and auditors; PUT publishes a new one to {@code supervisor.policies} after validating
 * it (every agent it names must be kebab-case and either {@value Routing#HUMAN} or in the agent catalog when it is
 * published; the topology checks again at routing time, since an agent can leave the catalog); DELETE publishes a tombstone, so the configuration applies again. Only the tenant's operators change it,
 * and the change records the verified caller ({@link Caller#actor()}) as {@code updatedBy}: compliance audits
 * the topic's records as policy changes by that actor. Every instance applies a published policy within about
 * one commit interval.
 */
@Path("/v1/tenants/{tenant}/supervisor-policy")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

    public record Rule(String pattern, String channel, String attribute, String agent) {
    }

    /** A policy as written over HTTP; budgets left null keep their configured value. */
    public record Policy(List<Rule> rules, String defaultAgent, Long sessionTokens, Long dailyTokens) {
    }

    /** The policy in force and where it comes from. */
    public record PolicyInForce(String tenant, String source, List<Rule> rules, String defaultAgent,
            long sessionTokens, long dailyTokens) {
    }

    /** What was published, and by whom. */
    public record Published(String tenant, Policy policy, String updatedBy) {
    }

    private final SupervisorQueries queries;
    private final TenantPolicies policies;
    private final ControlPublisher publisher;
    private final Caller caller;

    PolicyResource(SupervisorQueries queries, TenantPolicies policies, ControlPublisher publisher, Caller caller) {
        this.queries = queries;
        this.policies = policies;
        this.publisher = publisher;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    public PolicyInForce get(@PathParam("tenant") String tenant) {
        TenantPolicy policy = policies.of(tenant, queries.policy(tenant).orElse(null));
        List<Rule> rules = policy.rules().stream().map(rule -> new Rule(
                rule.pattern() == null ? null : rule.pattern().pattern(), rule.channel(),
                rule.attributeName() == null ? null : rule.attributeName() + "=" + rule.attributeValue(),
                rule.agent())).toList();
        return new PolicyInForce(tenant, policy.source(), rules, policy.defaultAgent(), policy.sessionTokens(),
                policy.dailyTokens());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response put(@PathParam("tenant") String tenant, Policy body) {
        if (body == null) {
            throw invalid("a JSON policy is required");
        }
        List<Rule> rules = body.rules() == null ? List.of() : body.rules();
        for (int i = 0; i < rules.size(); i++) {
            requireAgent(rules.get(i).agent(), "rule " + i + ": agent");
        }
        if (body.defaultAgent() != null) {
            requireAgent(body.defaultAgent(), "defaultAgent");
        }
        String actor = caller.actor();
        SupervisorPolicy policy = SupervisorPolicy.newBuilder()
                .setTenant(tenant)
                .setRules(rules.stream().map(rule -> RoutingRule.newBuilder().setPattern(rule.pattern())
                        .setChannel(rule.channel()).setAttribute(rule.attribute()).setAgent(rule.agent()).build())
                        .toList())
                .setDefaultAgent(body.defaultAgent())
                .setSessionTokens(body.sessionTokens())
                .setDailyTokens(body.dailyTokens())
                .setUpdatedAt(Instant.now())
                .setUpdatedBy(actor)
                .build();
        try {
            TenantPolicies.validate(policy);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        for (int i = 0; i < rules.size(); i++) {
            requireHosted(rules.get(i).agent(), "rule " + i + ": agent");
        }
        if (body.defaultAgent() != null) {
            requireHosted(body.defaultAgent(), "defaultAgent");
        }
        publisher.policy(tenant, policy, actor);
        return Response.accepted(new Published(tenant, new Policy(rules, body.defaultAgent(), body.sessionTokens(),
                body.dailyTokens()), actor)).build();
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    public Response delete(@PathParam("tenant") String tenant) {
        publisher.policy(tenant, null, caller.actor());
        return Response.accepted().build();
    }

    private static void requireAgent(String agent, String what) {
        if (agent == null) {
            throw invalid(what + " is required");
        }
        try {
            Topics.agentTasks(agent);
        } catch (IllegalArgumentException e) {
            throw invalid(what + ": " + e.getMessage());
        }
    }

    /** A person, or an agent some instance hosts: one the supervisor can address a task to. */
    private void requireHosted(String agent, String what) {
        if (!Routing.HUMAN.equals(agent) && queries.agent(agent).isEmpty()) {
            throw invalid(what + ": " + agent + " is not in the agent catalog (no instance hosts it; use a catalogued"
                    + " agent or " + Routing.HUMAN + ")");
        }
    }

    private static ProblemException invalid(String detail) {
        return ProblemException.badRequest("invalid-request", detail);
    }
}
