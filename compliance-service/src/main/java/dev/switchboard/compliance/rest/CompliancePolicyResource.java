package dev.switchboard.compliance.rest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

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

import dev.switchboard.compliance.detection.EntityType;
import dev.switchboard.compliance.policy.CompliancePolicies;
import dev.switchboard.compliance.policy.PolicyPublisher;
import dev.switchboard.compliance.policy.TenantPolicies;
import dev.switchboard.compliance.policy.TenantPolicy;
import dev.switchboard.events.CompliancePolicy;

/**
 * A tenant's compliance policy. GET shows the policy in force (every entity type's action, the injection
 * actions, and where they come from); PUT publishes a change to {@code compliance.policies} after validating it
 * (entries it leaves out keep their configured value); DELETE publishes a tombstone. Every instance applies a
 * published policy as soon as it reads it. Changes need the operator key.
 */
@Path("/v1/tenants/{tenant}/compliance-policy")
@Produces(MediaType.APPLICATION_JSON)
public class CompliancePolicyResource {

    /** A policy as written over HTTP: actions by entity type, and FLAG or BLOCK for injections. */
    public record PolicyChange(Map<String, String> pii, String injectionInTurns, String injectionInToolOutputs,
            String updatedBy) {
    }

    /** The policy in force. */
    public record PolicyInForce(String tenant, String source, Map<String, String> pii, String injectionInTurns,
            String injectionInToolOutputs) {
    }

    private final CompliancePolicies policies;
    private final PolicyPublisher publisher;
    private final OperatorKey operatorKey;

    CompliancePolicyResource(CompliancePolicies policies, PolicyPublisher publisher, OperatorKey operatorKey) {
        this.policies = policies;
        this.publisher = publisher;
        this.operatorKey = operatorKey;
    }

    @GET
    public PolicyInForce get(@PathParam("tenant") String tenant) {
        TenantPolicy policy = policies.of(tenant);
        Map<String, String> pii = new TreeMap<>();
        for (EntityType type : EntityType.values()) {
            pii.put(type.name(), policy.actionFor(type).name());
        }
        return new PolicyInForce(tenant, policy.source(), pii, policy.injectionInTurns().name(),
                policy.injectionInToolOutputs().name());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("tenant") String tenant, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            PolicyChange change) {
        Response refused = operatorKey.refusal(authorization);
        if (refused != null) {
            return refused;
        }
        if (change == null) {
            return OperatorKey.error(Response.Status.BAD_REQUEST, "invalid-request", "a JSON policy is required");
        }
        CompliancePolicy policy = CompliancePolicy.newBuilder()
                .setTenant(tenant)
                .setPii(change.pii() == null ? Map.of() : new LinkedHashMap<>(change.pii()))
                .setInjectionInTurns(change.injectionInTurns())
                .setInjectionInToolOutputs(change.injectionInToolOutputs())
                .setUpdatedAt(Instant.now())
                .setUpdatedBy(change.updatedBy())
                .build();
        try {
            TenantPolicies.validate(policy);
        } catch (IllegalArgumentException e) {
            return OperatorKey.error(Response.Status.BAD_REQUEST, "invalid-policy", e.getMessage());
        }
        publisher.publish(tenant, policy);
        return Response.accepted(change).build();
    }

    @DELETE
    public Response delete(@PathParam("tenant") String tenant, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Response refused = operatorKey.refusal(authorization);
        if (refused != null) {
            return refused;
        }
        publisher.publish(tenant, null);
        return Response.accepted().build();
    }
}
