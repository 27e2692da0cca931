package dev.switchboard.compliance.rest;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

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

import dev.switchboard.compliance.audit.OperationsAudit;
import dev.switchboard.compliance.detection.EntityType;
import dev.switchboard.compliance.policy.CompliancePolicies;
import dev.switchboard.compliance.policy.PolicyPublisher;
import dev.switchboard.compliance.policy.TenantPolicies;
import dev.switchboard.compliance.policy.TenantPolicy;
import dev.switchboard.events.CompliancePolicy;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.schemas.Topics;

/**
 * A tenant's compliance policy. GET shows the policy in force (every entity type's action, the injection
 * actions, and where they come from); PUT publishes a change to {@code compliance.policies} after validating it
 * (entries it leaves out keep their configured value); DELETE publishes a tombstone. Every instance applies a
 * published policy as soon as it reads it. A change is made by the tenant's operator, recorded as
 * {@code updatedBy} (the verified caller, never a body field), and audited in the tenant's requests chain before it is
 * published.
 */
@Path("/v1/tenants/{tenant}/compliance-policy")
@Produces(MediaType.APPLICATION_JSON)
public class CompliancePolicyResource {

    /** A policy as written over HTTP: actions by entity type, and FLAG or BLOCK for injections. */
    public record PolicyChange(Map<String, String> pii, String injectionInTurns, String injectionInToolOutputs) {
    }

    /** The policy in force. */
    public record PolicyInForce(String tenant, String source, Map<String, String> pii, String injectionInTurns,
            String injectionInToolOutputs) {
    }

    /**
     * A change that was audited and published.
     *
     * @param auditEventId the event id of its row in the tenant's chain
     * @param digest       SHA-256 (hex) of the record as published, as the row records it; null for a removal
     */
    public record PolicyPublished(String tenant, String updatedBy, Instant updatedAt, String auditEventId,
            String digest, PolicyChange policy) {
    }

    private final CompliancePolicies policies;
    private final PolicyPublisher publisher;
    private final OperationsAudit audit;
    private final Caller caller;

    CompliancePolicyResource(CompliancePolicies policies, PolicyPublisher publisher, OperationsAudit audit,
            Caller caller) {
        this.policies = policies;
        this.publisher = publisher;
        this.audit = audit;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    public PolicyInForce get(@PathParam("tenant") String tenant) {
        Tenants.requireServed(tenant, caller);
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
    @RolesAllowed(Roles.OPERATOR)
    public Response put(@PathParam("tenant") String tenant, PolicyChange change) {
        Tenants.requireServed(tenant, caller);
        if (change == null) {
            throw ProblemException.badRequest("invalid-request", "a JSON policy is required");
        }
        CompliancePolicy policy = CompliancePolicy.newBuilder()
                .setTenant(tenant)
                // Sorted, so that the same policy always publishes the same bytes (and digest).
                .setPii(change.pii() == null ? Map.of() : new TreeMap<>(change.pii()))
                .setInjectionInTurns(change.injectionInTurns())
                .setInjectionInToolOutputs(change.injectionInToolOutputs())
                .setUpdatedAt(Instant.now())
                .setUpdatedBy(caller.actor())
                .build();
        try {
            TenantPolicies.validate(policy);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-policy", e.getMessage());
        }
        String eventId = audit.compliancePolicyChanged(tenant, caller.actor(), policy);
        publish(tenant, policy);
        return Response.accepted(new PolicyPublished(tenant, policy.getUpdatedBy(), policy.getUpdatedAt(), eventId,
                OperationsAudit.digest(Topics.COMPLIANCE_POLICIES, policy), change)).build();
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    public Response delete(@PathParam("tenant") String tenant) {
        Tenants.requireServed(tenant, caller);
        String eventId = audit.compliancePolicyChanged(tenant, caller.actor(), null);
        publish(tenant, null);
        return Response.accepted(new PolicyPublished(tenant, caller.actor(), Instant.now(), eventId, null, null)).build();
    }

    /**
     * Publishes after the change is audited: a change is never in force without its row. Should publishing fail,
     * the row stays (the chain is append-only) and the operator is told to send the same request again.
     */
    private void publish(String tenant, CompliancePolicy policy) {
        try {
            publisher.publish(tenant, policy);
        } catch (IllegalStateException e) {
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "policy-not-published",
                    "The change was audited but could not be published: send the same request again");
        }
    }
}
