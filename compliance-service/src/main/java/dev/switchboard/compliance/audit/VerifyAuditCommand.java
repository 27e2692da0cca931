package dev.switchboard.compliance.audit;

import java.io.PrintStream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code verify-audit <tenant>} on the command line: verifies every chain of the tenant in the database and against
 * its anchor, prints the report as JSON, and gives the exit code: {@value #VALID} when every chain is valid and the
 * anchors were checked, {@value #BROKEN} when a chain is broken, {@value #ANCHOR_NOT_CHECKED} when the database chains
 * are valid but the anchors could not be checked (no Kafka configured or reachable), which the output says too.
 */
@ApplicationScoped
public class VerifyAuditCommand {

    public static final String NAME = "verify-audit";
    public static final int VALID = 0;
    public static final int BROKEN = 1;
    /** 2 is the usage error of {@code ComplianceMain}. */
    public static final int ANCHOR_NOT_CHECKED = 3;

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
        if (!report.valid()) {
            return BROKEN;
        }
        if (report.anchorsNotChecked() != null) {
            out.println("The anchors were NOT checked (" + report.anchorsNotChecked() + "): only the database chains "
                    + "were verified, which does not detect a tail rewritten together with its head.");
            return ANCHOR_NOT_CHECKED;
        }
        return VALID;
    }
}
