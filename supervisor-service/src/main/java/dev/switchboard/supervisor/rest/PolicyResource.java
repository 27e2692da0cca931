package dev.switchboard.supervisor.rest;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.switchboard.events.RoutingRule;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.TenantPolicies;
import dev.switchboard.supervisor.TenantPolicy;
import dev.switchboard.supervisor.messaging.ControlPublisher;
import dev.switchboard.supervisor.streams.SupervisorQueries;

/**
 * A tenant's routing rules and budgets at run time. GET shows the policy in force (published or configured);
 * PUT publishes a new one to {@code supervisor.policies} after validating it; DELETE publishes a tombstone,
 * so the configuration applies again. Every instance applies a published policy within about one commit
 * interval. Changing a policy needs the operator key.
 */
@Path("/v1/tenants/{tenant}/supervisor-policy")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

    public record Rule(String pattern, String channel, String attribute, String agent) {
    }

    /** A policy as read and written over HTTP; budgets left null keep their configured value. */
    public record Policy(List<Rule> rules, String defaultAgent, Long sessionTokens, Long dailyTokens,
            String updatedBy) {
    }

    /** The policy in force and where it comes from. */
    public record PolicyInForce(String tenant, String source, List<Rule> rules, String defaultAgent,
            long sessionTokens, long dailyTokens) {
    }

    private final SupervisorQueries queries;
    private final TenantPolicies policies;
    private final ControlPublisher publisher;
    private final OperatorKey operatorKey;

    PolicyResource(SupervisorQueries queries, TenantPolicies policies, ControlPublisher publisher, OperatorKey operatorKey) {
        this.queries = queries;
        this.policies = policies;
        this.publisher = publisher;
        this.operatorKey = operatorKey;
    }

    @GET
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
    public Response put(@PathParam("tenant") String tenant, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            Policy body) {
        Response refused = operatorKey.refusal(authorization);
        if (refused != null) {
            return refused;
        }
        if (body == null) {
            throw new IllegalArgumentException("a JSON policy is required");
        }
        List<Rule> rules = body.rules() == null ? List.of() : body.rules();
        for (int i = 0; i < rules.size(); i++) {
            requireAgent(rules.get(i).agent(), "rule " + i + ": agent");
        }
        if (body.defaultAgent() != null) {
            requireAgent(body.defaultAgent(), "defaultAgent");
        }
        SupervisorPolicy policy = SupervisorPolicy.newBuilder()
                .setTenant(tenant)
                .setRules(rules.stream().map(rule -> RoutingRule.newBuilder().setPattern(rule.pattern())
                        .setChannel(rule.channel()).setAttribute(rule.attribute()).setAgent(rule.agent()).build())
                        .toList())
                .setDefaultAgent(body.defaultAgent())
                .setSessionTokens(body.sessionTokens())
                .setDailyTokens(body.dailyTokens())
                .setUpdatedAt(Instant.now())
                .setUpdatedBy(body.updatedBy())
                .build();
        TenantPolicies.validate(policy);
        publisher.policy(tenant, policy);
        return Response.accepted(body).build();
    }

    @DELETE
    public Response delete(@PathParam("tenant") String tenant, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Response refused = operatorKey.refusal(authorization);
        if (refused != null) {
            return refused;
        }
        publisher.policy(tenant, null);
        return Response.accepted().build();
    }

    private static void requireAgent(String agent, String what) {
        if (agent == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        Topics.agentTasks(agent); // throws IllegalArgumentException naming the rule for ids that are not kebab-case
    }
}
