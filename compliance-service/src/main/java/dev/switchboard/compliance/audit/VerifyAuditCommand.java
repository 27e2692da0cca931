package dev.switchboard.compliance.audit;

import java.io.PrintStream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code verify-audit <tenant>} on the command line: verifies the tenant's chain, prints the report as JSON,
 * and gives the exit code: 0 when the chain is valid, 1 when it is broken.
 */
@ApplicationScoped
public class VerifyAuditCommand {

    public static final String NAME = "verify-audit";
    public static final int VALID = 0;
    public static final int BROKEN = 1;

    private final AuditVerificationService verification;
    private final ObjectMapper json;

    VerifyAuditCommand(AuditVerificationService verification, ObjectMapper json) {
        this.verification = verification;
        this.json = json;
    }

    public int run(String tenant, PrintStream out) {
        VerificationReport report = verification.verify(tenant);
        try {
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot print the report", e);
        }
        return report.valid() ? VALID : BROKEN;
    }
}
