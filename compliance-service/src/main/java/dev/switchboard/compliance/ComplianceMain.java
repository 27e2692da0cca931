package dev.switchboard.compliance;

import jakarta.inject.Inject;

import dev.switchboard.compliance.audit.VerifyAuditCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Runs the service, or, given {@code verify-audit <tenant>}, verifies that tenant's audit chain in the database and
 * against its anchor and exits with 0 (valid), 1 (broken), 2 for a usage error, or 3 when the database chain is
 * valid but the anchor could not be checked (no Kafka). The command runs in the
 * {@value #COMMAND_PROFILE} configuration profile, which leaves Kafka alone (no consumer may join the
 * service's groups, no producer may fence its transactions), does not migrate the schema, and listens on a
 * random HTTP port, so it can run next to the service.
 */
@QuarkusMain
public class ComplianceMain implements QuarkusApplication {

    /** The configuration profile of the command-line mode. */
    public static final String COMMAND_PROFILE = "audit-cli";

    @Inject
    VerifyAuditCommand verifyAudit;

    public static void main(String... args) {
        if (args.length > 0 && System.getProperty("quarkus.profile") == null
                && System.getenv("QUARKUS_PROFILE") == null) {
            System.setProperty("quarkus.profile", COMMAND_PROFILE);
        }
        Quarkus.run(ComplianceMain.class, args);
    }

    @Override
    public int run(String... args) {
        if (args.length == 0) {
            Quarkus.waitForExit();
            return 0;
        }
        if (args.length == 2 && VerifyAuditCommand.NAME.equals(args[0])) {
            return verifyAudit.run(args[1], System.out);
        }
        System.err.println("usage: java -jar quarkus-run.jar [" + VerifyAuditCommand.NAME + " <tenant>]");
        return 2;
    }
}
