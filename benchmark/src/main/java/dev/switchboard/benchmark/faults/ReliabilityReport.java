package dev.switchboard.benchmark.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Writes the fault run's results as {@code reliability.md} and its JSON twin {@code reliability.json}. */
final class ReliabilityReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReliabilityReport() {
    }

    static void write(Path dir, FaultRunner.Options options, List<FaultRunner.Result> results) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("generatedAt", Instant.now().toString());
        json.put("command", options.command());
        json.put("commit", dev.switchboard.benchmark.BenchmarkRunner.commit(options.root()));
        json.put("rate", options.rate());
        json.put("users", options.users());
        json.put("leadSeconds", options.leadSeconds());
        json.put("tailSeconds", options.tailSeconds());
        json.put("machine", Runtime.getRuntime().availableProcessors() + " cores");
        json.put("results", results);
        JSON.writeValue(dir.resolve("reliability.json").toFile(), json);
        Files.writeString(dir.resolve("reliability.md"), markdown(options, results));
    }

    private static String markdown(FaultRunner.Options options, List<FaultRunner.Result> results) {
        StringBuilder md = new StringBuilder();
        md.append("# Reliability: the stack under faults\n\n");
        md.append("Generated ").append(Instant.now()).append(" from commit `")
                .append(dev.switchboard.benchmark.BenchmarkRunner.commit(options.root())).append("` on this machine (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores) by\n\n```sh\n")
                .append(options.command()).append("\n```\n\n");
        md.append(String.format("Load: %.0f web chat turns/s started over %d users (a tenth ask for refunds through "
                + "the billing agent's side-effecting `refund` tool against a payment service that counts calls, a "
                + "tenth make the agents hand off, the rest chat); every user sends its next message once the last "
                + "is answered, and sends a message answered 503, 504 or not at all again with the same `messageId`. "
                + "Each fault is injected %d s into its window and the load goes on %d s after it is undone; then "
                + "every client is waited for and the checks run. How to read each column is below the table.%n%n",
                options.rate(), options.users(), options.leadSeconds(), options.tailSeconds()));
        md.append("| fault | turns | accepted | answered | lost | unconfirmed | dup. replies | out of order | refunds "
                + "(turns / calls / made / repeated keys) | unaudited events | chains valid | budget once | dead letters "
                + "(raw) | WhatsApp messages / dup. replies | recovery s (target) | longest wait for any reply s "
                + "| p50 / p99 / max ms | result |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (FaultRunner.Result r : results) {
            md.append(String.format("| `%s` | %d | %d | %d | %d | %d | %d | %d | %d / %d / %d / %d | %d of %d | %s | %s "
                            + "| %d (%d) | %d / %d | %s | %.1f | %d / %d / %d | %s |%n",
                    r.fault(), r.turns(), r.accepted(), r.answered(), r.lost(), r.unconfirmed(), r.duplicatedReplies(),
                    r.outOfOrderReplies(), r.refundTurns(), r.refundCalls(), r.refundsMade(), r.repeatedRefundKeys(),
                    r.unauditedEvents(), r.rawEvents(), r.chainValid() ? "yes" : "**no**",
                    r.budgetDebitedOnce() ? "yes" : "**no**",
                    r.deadLetters().values().stream().mapToLong(Long::longValue).sum(), r.rawInDeadLetters(),
                    r.whatsAppMessages(), r.whatsAppDuplicateReplies(), r.recoverySeconds() == null ? "-" : String.format("%.1f%s", r.recoverySeconds(),
                            r.targetSeconds() == null ? "" : String.format(" (< %.0f)", r.targetSeconds())),
                    r.longestGapSeconds(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.passed() ? "pass" : "**fail**"));
        }
        md.append("\n## Each fault\n\n");
        for (FaultRunner.Result r : results) {
            md.append("### `").append(r.fault()).append("`\n\n").append(r.description()).append(".\n\n");
            md.append(String.format("- %d turns started (%d starts skipped because all users were waiting), %d sent "
                            + "more than once by their clients, %d refused with a 4xx; replies by kind: %s.%n",
                    r.turns(), r.startsSkipped(), r.retried(), r.refused(), r.replyKinds()));
            md.append("- Dead letters of the window by source topic: ").append(r.deadLetters().isEmpty() ? "none"
                    : r.deadLetters()).append(".\n");
            r.details().forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append("\n"));
            if (!r.problems().isEmpty()) {
                md.append("- **Problems:** ").append(String.join("; ", r.problems())).append(".\n");
            }
            md.append("\n");
        }
        md.append("""
                ## Reading the table

                - **turns**: messages started in the fault's window. **accepted**: those the gateway gave a turn id
                  (200, or 504 "still being processed"). **answered**: those whose client got the reply (200) in the end.
                  **lost** = accepted − answered: must be 0. **unconfirmed**: messages that never got a turn id before
                  their client gave up (4 min of 503s or no answer): must be 0.
                - **dup. replies**: replies on `replies.outbound` beyond the first for a turn. **out of order**: a
                  user's reply that precedes, on the session's partition, the reply to an earlier message of the same
                  user. Both must be 0.
                - **refunds**: refund turns answered by the billing agent / refund requests the payment service
                  received / distinct idempotency keys (refunds made) / keys received more than once. A repeated key
                  is a side effect attempted twice; the payment service answers it with the first refund, as payment
                  APIs with idempotency keys do, so no money moves twice, but the count must still be 0.
                - **unaudited events**: events of the window on `turns.raw` and `agent.results.raw` without a row in
                  the audit trail, of all such events. **chains valid**: the tenant's audit verification
                  (`GET /v1/tenants/demo/audit/verify`, every chain against its anchor).
                - **budget once**: the supervisor's debited results and tokens for the tenant today equal the
                  distinct results (by task id) on `agent.results.cleared` and their tokens.
                - **dead letters (raw)**: records written to `deadletters` in the window, and how many of them hold
                  text that compliance would have redacted (every message carries an address under `fault.example`).
                - **WhatsApp messages / dup. replies**: messages of 30 WhatsApp users (one a second, each webhook
                  posted until the gateway accepts it, as the platform retries) and replies sent to them through the
                  WhatsApp API beyond one per message. Every message must get its reply; a duplicate is the bound of
                  channel delivery: the platform's send and the record of it (`channels.sent`, the consumer's offset)
                  cannot be one transaction, so a crash between them sends that reply again after the restart.
                - **recovery s**: from the moment the fault was over (the restarted service ready, the restarted
                  broker taking connections, the broker resumed, PostgreSQL started, the provider healthy) to the first
                  agent reply (not a failure reply) a user got to a message first sent after the fault began. Targets: 10 s after a service
                  restart, 30 s after a broker restart. How long the restart itself took (a JVM starting, the broker
                  recovering its log) is `restartSeconds` under each fault. **longest wait for any reply**: from the
                  fault on, the longest time in which no user got any reply.
                """);
        return md.toString();
    }
}
