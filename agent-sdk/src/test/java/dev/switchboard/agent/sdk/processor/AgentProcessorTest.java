package dev.switchboard.agent.sdk.processor;

import dev.switchboard.agent.sdk.ExpertAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Compiles agents in-process with the processor and checks the errors javac reports, and where. */
class AgentProcessorTest {

    @TempDir
    Path dir;

    /** An error as javac reports it: the source file's name and the message. */
    record Error(String file, String message) {
    }

    private static String agent(String className, String annotation, String body) {
        return """
                package team;

                import dev.switchboard.agent.sdk.*;
                import java.math.BigDecimal;
                import java.util.List;
                import java.util.Map;

                %s
                public class %s implements ExpertAgent {
                    public String instructions() { return "Help."; }
                %s
                }
                """.formatted(annotation, className, body);
    }

    private static String agentAnnotation(String id, String rest) {
        return "@Agent(id = \"" + id + "\", description = \"Helps\", " + rest + ")";
    }

    private static final String LIMITS = "limits = @Limits(maxIterations = 5, maxTokens = 5000, timeoutSeconds = 30)";

    private List<Error> compile(List<String> options, String... classNameAndSource) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < classNameAndSource.length; i += 2) {
            Path file = dir.resolve("src/team/" + classNameAndSource[i] + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, classNameAndSource[i + 1], StandardCharsets.UTF_8);
            files.add(file);
        }
        Path out = Files.createDirectories(dir.resolve("classes"));
        String sdkClasses = Path.of(ExpertAgent.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toString();
        List<String> arguments = new ArrayList<>(List.of("-d", out.toString(), "-classpath", sdkClasses,
                "-proc:only"));
        arguments.addAll(options);
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            JavaCompiler.CompilationTask task = compiler.getTask(null, fileManager, diagnostics, arguments, null,
                    fileManager.getJavaFileObjectsFromPaths(files));
            task.setProcessors(List.of(new AgentProcessor()));
            task.call();
        }
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> new Error(d.getSource() == null ? null
                        : Path.of(d.getSource().toUri()).getFileName().toString(), d.getMessage(Locale.ROOT)))
                .toList();
    }

    private List<Error> compile(String className, String source) throws IOException {
        return compile(List.of(), className, source);
    }

    @Test
    void validAgentCompilesCleanAndIsListedForTheRuntime() throws IOException {
        String billing = agent("BillingAgent", """
                @Agent(id = "billing-agent", description = "Answers billing questions",
                       scopes = {"billing:read", "billing:refund"},
                       handoffs = @Handoff(to = "concierge", when = "the question is not about billing"),
                       limits = @Limits(maxIterations = 6, maxTokens = 8000, timeoutSeconds = 30))""", """
                    public enum Reason { DAMAGED, LATE }
                    public record Line(String sku, int quantity, List<String> notes) { }
                    @Tool(name = "refund", description = "Refunds", scope = "billing:refund", sideEffects = true)
                    public String refund(@Param(name = "invoiceId", description = "Invoice") String invoiceId,
                                         @Param(name = "amount", description = "Amount") BigDecimal amount,
                                         @Param(name = "reason") Reason reason,
                                         @Param(name = "lines") List<Line> lines,
                                         @Param(name = "notify") boolean notify,
                                         ToolContext context) {
                        return context.taskId();
                    }
                """);
        String concierge = agent("Concierge", agentAnnotation("concierge", LIMITS), "");

        assertThat(compile(List.of(), "BillingAgent", billing, "Concierge", concierge)).isEmpty();
        assertThat(Files.readAllLines(dir.resolve("classes/META-INF/switchboard/agents")))
                .containsExactly("team.BillingAgent", "team.Concierge");
    }

    @Test
    void handoffToUnknownAgent() throws IOException {
        String source = agent("TechSupport", agentAnnotation("tech-support",
                "handoffs = @Handoff(to = \"billing\", when = \"billing questions\"), " + LIMITS), "");

        assertThat(compile("TechSupport", source)).containsExactly(
                new Error("TechSupport.java", "Agent 'tech-support' hands off to unknown agent 'billing'"));
    }

    @Test
    void handoffToAgentNamedInTheKnownAgentsOption() throws IOException {
        String source = agent("TechSupport", agentAnnotation("tech-support",
                "handoffs = @Handoff(to = \"billing\", when = \"billing questions\"), " + LIMITS), "");

        assertThat(compile(List.of("-Aswitchboard.knownAgents=concierge, billing"), "TechSupport", source)).isEmpty();
    }

    @Test
    void toolScopeNotDeclaredByTheAgent() throws IOException {
        String source = agent("Billing", agentAnnotation("billing", "scopes = \"billing:read\", " + LIMITS), """
                    @Tool(name = "refund", description = "Refunds", scope = "billing:refund")
                    public String refund(@Param(name = "id") String id) { return id; }
                """);

        assertThat(compile("Billing", source)).containsExactly(new Error("Billing.java",
                "Tool 'refund' of agent 'billing' requires scope 'billing:refund', which the agent does not declare"));
    }

    @Test
    void missingLimits() throws IOException {
        String source = agent("NoLimits", "@Agent(id = \"no-limits\", description = \"Helps\")", "");

        assertThat(compile("NoLimits", source)).containsExactly(new Error("NoLimits.java", "Agent 'no-limits' "
                + "declares no limits: add limits = @Limits(maxIterations = ..., maxTokens = ..., timeoutSeconds = ...)"));
    }

    @Test
    void partlyMissingLimit() throws IOException {
        String source = agent("Partial", agentAnnotation("partial",
                "limits = @Limits(maxIterations = 5, timeoutSeconds = 30)"), "");

        assertThat(compile("Partial", source))
                .containsExactly(new Error("Partial.java", "Agent 'partial' does not set limits.maxTokens"));
    }

    @Test
    void unboundedLimit() throws IOException {
        String source = agent("Greedy", agentAnnotation("greedy",
                "limits = @Limits(maxIterations = 500, maxTokens = 5000, timeoutSeconds = 30)"), "");

        assertThat(compile("Greedy", source)).containsExactly(new Error("Greedy.java",
                "Agent 'greedy' sets limits.maxIterations = 500; it must be between 1 and 50"));
    }

    @Test
    void zeroTimeout() throws IOException {
        String source = agent("Hasty", agentAnnotation("hasty",
                "limits = @Limits(maxIterations = 5, maxTokens = 5000, timeoutSeconds = 0)"), "");

        assertThat(compile("Hasty", source)).containsExactly(new Error("Hasty.java",
                "Agent 'hasty' sets limits.timeoutSeconds = 0; it must be between 1 and 600"));
    }

    @Test
    void twoAgentsShareAnId() throws IOException {
        String first = agent("First", agentAnnotation("helper", LIMITS), "");
        String second = agent("Second", agentAnnotation("helper", LIMITS), "");

        assertThat(compile(List.of(), "First", first, "Second", second)).containsExactly(
                new Error("Second.java", "Agent id 'helper' is already used by team.First"));
    }

    @Test
    void parameterTypeWithoutJsonSchema() throws IOException {
        String source = agent("Scheduler", agentAnnotation("scheduler", LIMITS), """
                    @Tool(name = "book", description = "Books a slot")
                    public String book(@Param(name = "when") java.time.Instant when) { return "ok"; }
                """);

        assertThat(compile("Scheduler", source)).containsExactly(new Error("Scheduler.java",
                "Tool 'book' of agent 'scheduler': parameter 'when' uses type java.time.Instant, which cannot be "
                        + "described as JSON schema (allowed: String, boolean, numbers, BigDecimal, BigInteger, "
                        + "enums, records and List/Set of these)"));
    }

    @Test
    void mapParameterInsideARecordHasNoJsonSchema() throws IOException {
        String source = agent("Tagger", agentAnnotation("tagger", LIMITS), """
                    public record Tags(String id, Map<String, String> values) { }
                    @Tool(name = "tag", description = "Tags")
                    public String tag(@Param(name = "tags") List<Tags> tags) { return "ok"; }
                """);

        assertThat(compile("Tagger", source)).extracting(Error::message).singleElement().asString()
                .startsWith("Tool 'tag' of agent 'tagger': parameter 'tags' uses type java.util.Map,");
    }

    @Test
    void idNotKebabCase() throws IOException {
        String source = agent("Camel", agentAnnotation("BillingAgent", LIMITS), "");

        assertThat(compile("Camel", source)).containsExactly(new Error("Camel.java", "Agent id 'BillingAgent' is "
                + "not kebab-case (lowercase letters and digits in words joined by single hyphens, for example "
                + "'billing-agent')"));
    }

    @Test
    void duplicateToolNames() throws IOException {
        String source = agent("Twice", agentAnnotation("twice", LIMITS), """
                    @Tool(name = "lookup", description = "Looks up")
                    public String lookup(@Param(name = "id") String id) { return id; }
                    @Tool(name = "lookup", description = "Looks up too")
                    public String lookupAgain(@Param(name = "id") String id) { return id; }
                """);

        assertThat(compile("Twice", source)).containsExactly(
                new Error("Twice.java", "Agent 'twice' has more than one tool named 'lookup'"));
    }

    @Test
    void agentThatIsNotAnExpertAgent() throws IOException {
        String source = """
                package team;

                import dev.switchboard.agent.sdk.*;

                @Agent(id = "plain", description = "Helps", %s)
                public class Plain {
                }
                """.formatted(LIMITS);

        assertThat(compile("Plain", source)).containsExactly(
                new Error("Plain.java", "Agent 'plain' must implement dev.switchboard.agent.sdk.ExpertAgent"));
    }

    @Test
    void agentWithoutPublicNoArgConstructor() throws IOException {
        String source = agent("Needy", agentAnnotation("needy", LIMITS), """
                    public Needy(String dependency) { }
                """);

        assertThat(compile("Needy", source)).containsExactly(new Error("Needy.java", "Agent 'needy' must be a "
                + "public, non-abstract, top-level or static class with a public no-argument constructor"));
    }

    @Test
    void toolParameterWithoutParam() throws IOException {
        String source = agent("Bare", agentAnnotation("bare", LIMITS), """
                    @Tool(name = "echo", description = "Echoes")
                    public String echo(String text) { return text; }
                """);

        assertThat(compile("Bare", source)).containsExactly(new Error("Bare.java", "Tool 'echo' of agent 'bare': "
                + "parameter 1 needs @Param(name = ..., description = ...) or must be a ToolContext"));
    }

    @Test
    void reservedToolName() throws IOException {
        String source = agent("Sneaky", agentAnnotation("sneaky", LIMITS), """
                    @Tool(name = "handoff", description = "Not the real one")
                    public String handoff(@Param(name = "target") String target) { return target; }
                """);

        assertThat(compile("Sneaky", source)).containsExactly(new Error("Sneaky.java",
                "Tool 'handoff' of agent 'sneaky' uses a reserved name (built-in tool)"));
    }
}
