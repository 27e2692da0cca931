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

    /** An error with the line and column (both 1-based) javac reports it at. */
    record Located(String file, long line, long column, String message) {
    }

    /**
     * The error expected where {@code snippet} starts in {@code source}: javac reports a call {@code a.b()} at
     * the dot, a {@code new} at the keyword, a name or a declaration at its name.
     */
    private static Located at(String file, String source, String snippet, String message) {
        int index = source.indexOf(snippet);
        assertThat(index).as("snippet %s", snippet).isNotNegative().isEqualTo(source.lastIndexOf(snippet));
        String before = source.substring(0, index);
        long line = before.chars().filter(c -> c == '\n').count() + 1;
        long column = index - before.lastIndexOf('\n');
        return new Located(file, line, column, message);
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
        return compileLocated(true, options, classNameAndSource).stream()
                .map(e -> new Error(e.file(), e.message())).toList();
    }

    private List<Located> compileLocated(String... classNameAndSource) throws IOException {
        return compileLocated(true, List.of(), classNameAndSource);
    }

    /** Compiles with the processor: only processing, or ({@code processOnly} false) to class files. */
    private List<Located> compileLocated(boolean processOnly, List<String> options, String... classNameAndSource)
            throws IOException {
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
        List<String> arguments = new ArrayList<>(List.of("-d", out.toString(), "-classpath", sdkClasses));
        if (processOnly) {
            arguments.add("-proc:only");
        }
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
                .map(d -> new Located(d.getSource() == null ? null
                        : Path.of(d.getSource().toUri()).getFileName().toString(), d.getLineNumber(),
                        d.getColumnNumber(), d.getMessage(Locale.ROOT)))
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

    // ---- the code inside agents

    private static final String OTHER_AGENT = "agent code must not call into another agent's classes: hand off to "
            + "it instead";
    private static final String NETWORK = "agent code must not open network connections or resolve names: declare "
            + "@Tool(egress = \"name\") and use context.http()";
    private static final String FILES = "agent code must not read or write files";
    private static final String PROCESSES = "agent code must not start processes, exit the JVM or load native code";
    private static final String REFLECTION = "agent code must not use reflection, method handles or serialization "
            + "internals";
    private static final String THREADS = "agent code must not start threads, executors, timers or parallel "
            + "streams: the runtime runs each tool call and ends it at the task's deadline";
    private static final String ENVIRONMENT = "agent code must not read the environment or system properties: a "
            + "tool gets what it declares (egress) from the runtime";
    private static final String MUTABLE_STATIC = "agent code must not keep mutable static state: a static field "
            + "must be final and hold an immutable value (a primitive, String, enum, record, BigDecimal, BigInteger, "
            + "java.time value, Pattern, or List/Set/Map.of or copyOf); state for one task belongs in instance fields";

    private static final String BILLING = agent("Billing", agentAnnotation("billing",
            "scopes = \"billing:read\", " + LIMITS), """
                public record Receipt(String id) { }
                @Tool(name = "invoice", description = "Looks up an invoice", scope = "billing:read")
                public String invoice(@Param(name = "id") String id) { return id; }
            """);

    @Test
    void cleanAgentCompilesWithoutErrors() throws IOException {
        String source = agent("Clean", agentAnnotation("clean", LIMITS), """
                    private static final List<String> REGIONS = List.of("eu", "us");
                    private static final Map<String, Integer> LIMIT = Map.copyOf(Map.of("eu", 1));
                    private static final int MAX = 3;
                    private static final java.time.Duration WAIT = java.time.Duration.ofMillis(1);
                    private static final Quote EMPTY = new Quote("none", BigDecimal.ZERO, Tier.GOLD);
                    enum Tier { GOLD, SILVER }
                    public record Quote(String id, BigDecimal amount, Tier tier) { }
                    private final Map<String, Quote> quotes = new java.util.HashMap<>();
                    private int calls;

                    @Tool(name = "quote", description = "Quotes")
                    public Quote quote(@Param(name = "id") String id) {
                        calls++;
                        long started = System.currentTimeMillis();
                        try {
                            Thread.sleep(WAIT.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        List<String> notes = new java.util.ArrayList<>(REGIONS);
                        notes.sort(java.util.Comparator.naturalOrder());
                        var copy = List.copyOf(notes);
                        java.net.URI link = java.net.URI.create("https://example.com/" + id);
                        String text = String.format("%s %d %s %d", id, System.currentTimeMillis() - started, link, MAX);
                        System.out.println(text + LIMIT + copy + Formats.valid(id));
                        BigDecimal amount = new BigDecimal("1.50").multiply(BigDecimal.valueOf(notes.size()));
                        return quotes.computeIfAbsent(id, k -> new Quote(k, amount.max(EMPTY.amount()), EMPTY.tier()));
                    }

                    private String shapes(Object value, Tier tier) {
                        int[] sizes = {1, 2};
                        int total = sizes.length + sizes.clone().length + MAX;
                        String names = int[].class.getSimpleName() + String.class.getSimpleName() + Tier.class;
                        java.util.function.Function<String, String> upper = String::toUpperCase;
                        java.util.function.Supplier<StringBuilder> builder = StringBuilder::new;
                        String label = switch (tier) {
                            case GOLD -> "gold";
                            case SILVER -> "silver";
                        };
                        if (value instanceof Quote quote && quote.amount().signum() > 0) {
                            label += quote.id();
                        }
                        Comparable<String> local = new Comparable<>() {
                            @Override
                            public int compareTo(String other) {
                                return other.length();
                            }
                        };
                        return upper.apply(label) + builder.get().append(total) + names + local + super.toString()
                                + this.calls + Clean.this.calls + java.util.stream.IntStream.range(0, 3).sum()
                                + java.util.concurrent.TimeUnit.SECONDS.toMillis(1) + Map.entry("a", 1);
                    }
                """);
        String formats = """
                package team;

                final class Formats {
                    static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Z]+-[0-9]+");

                    private Formats() {
                    }

                    static boolean valid(String id) {
                        return ID.matcher(id).matches();
                    }
                }
                """;

        assertThat(compileLocated("Clean", source, "Formats", formats)).isEmpty();
    }

    @Test
    void toolOfAnotherAgentCalledDirectly() throws IOException {
        String concierge = agent("Concierge", agentAnnotation("concierge", LIMITS), """
                    private Billing.Receipt last;
                    @Tool(name = "ask", description = "Asks")
                    public String ask(@Param(name = "id") String id) {
                        return new Billing().invoice(id);
                    }
                """);

        assertThat(compileLocated("Billing", BILLING, "Concierge", concierge)).containsExactly(
                at("Concierge.java", concierge, ".Receipt last",
                        "Agent 'concierge' uses team.Billing$Receipt: " + OTHER_AGENT),
                at("Concierge.java", concierge, "new Billing()",
                        "Agent 'concierge' uses team.Billing.<init>: " + OTHER_AGENT),
                at("Concierge.java", concierge, ".invoice(id)",
                        "Agent 'concierge' uses team.Billing.invoice: " + OTHER_AGENT),
                at("Concierge.java", concierge, ".invoice(id)", "Agent 'concierge' tool 'ask' calls tool 'invoice': "
                        + "a tool runs only when the model calls it, with its own scope check"));
    }

    @Test
    void reflection() throws IOException {
        String source = agent("Peeker", agentAnnotation("peeker", LIMITS), """
                    @Tool(name = "peek", description = "Peeks")
                    public String peek(@Param(name = "name") String name) throws Exception {
                        Class<?> type = Class.forName(name);
                        java.lang.reflect.Field field = type.getDeclaredField("secret");
                        field.setAccessible(true);
                        return String.valueOf(field.get(null));
                    }
                """);

        assertThat(compileLocated("Peeker", source)).containsExactly(
                at("Peeker.java", source, ".forName(", "Agent 'peeker' uses java.lang.Class.forName: " + REFLECTION),
                at("Peeker.java", source, ".Field field", "Agent 'peeker' uses java.lang.reflect.Field: " + REFLECTION),
                at("Peeker.java", source, ".getDeclaredField(",
                        "Agent 'peeker' uses java.lang.Class.getDeclaredField: " + REFLECTION),
                at("Peeker.java", source, ".setAccessible(",
                        "Agent 'peeker' uses java.lang.reflect.Field.setAccessible: " + REFLECTION),
                at("Peeker.java", source, ".get(null)", "Agent 'peeker' uses java.lang.reflect.Field.get: " + REFLECTION));
    }

    @Test
    void readOnlyToolCallsTheAgentsSideEffectTool() throws IOException {
        String source = agent("Refunds", agentAnnotation("refunds",
                "scopes = {\"billing:read\", \"billing:refund\"}, " + LIMITS), """
                    @Tool(name = "status", description = "Shows a refund", scope = "billing:read")
                    public String status(@Param(name = "id") String id) {
                        return refund(id);
                    }

                    @Tool(name = "refund", description = "Refunds", scope = "billing:refund", sideEffects = true)
                    public String refund(@Param(name = "id") String id) {
                        return "refunded " + id;
                    }
                """);

        assertThat(compileLocated("Refunds", source)).containsExactly(at("Refunds.java", source, "refund(id);",
                "Agent 'refunds' tool 'status' calls tool 'refund': a tool runs only when the model calls it, "
                        + "with its own scope check"));
    }

    @Test
    void network() throws IOException {
        String source = agent("Fetcher", agentAnnotation("fetcher", LIMITS), """
                    @Tool(name = "fetch", description = "Fetches")
                    public String fetch(@Param(name = "url") String url) throws Exception {
                        new java.net.URL(url).openConnection();
                        java.net.http.HttpClient.newHttpClient();
                        new java.net.Socket("example.com", 80).close();
                        return url;
                    }
                """);

        assertThat(compileLocated("Fetcher", source)).containsExactly(
                at("Fetcher.java", source, "new java.net.URL", "Agent 'fetcher' uses java.net.URL.<init>: " + NETWORK),
                at("Fetcher.java", source, ".openConnection()",
                        "Agent 'fetcher' uses java.net.URL.openConnection: " + NETWORK),
                at("Fetcher.java", source, ".newHttpClient()",
                        "Agent 'fetcher' uses java.net.http.HttpClient.newHttpClient: " + NETWORK),
                at("Fetcher.java", source, "new java.net.Socket",
                        "Agent 'fetcher' uses java.net.Socket.<init>: " + NETWORK),
                at("Fetcher.java", source, ".close()", "Agent 'fetcher' uses java.net.Socket.close: " + NETWORK));
    }

    @Test
    void environmentAndProcesses() throws IOException {
        String source = agent("Runner", agentAnnotation("runner", LIMITS), """
                    @Tool(name = "run", description = "Runs")
                    public String run(@Param(name = "command") String command) throws Exception {
                        String path = System.getenv().get("PATH");
                        String home = System.getProperty("x");
                        Runtime.getRuntime().exec(command);
                        new ProcessBuilder(command);
                        System.exit(1);
                        return path + home;
                    }
                """);

        assertThat(compileLocated("Runner", source)).containsExactly(
                at("Runner.java", source, ".getenv()", "Agent 'runner' uses java.lang.System.getenv: " + ENVIRONMENT),
                at("Runner.java", source, ".getProperty(",
                        "Agent 'runner' uses java.lang.System.getProperty: " + ENVIRONMENT),
                at("Runner.java", source, ".getRuntime()",
                        "Agent 'runner' uses java.lang.Runtime.getRuntime: " + PROCESSES),
                at("Runner.java", source, ".exec(", "Agent 'runner' uses java.lang.Runtime.exec: " + PROCESSES),
                at("Runner.java", source, "new ProcessBuilder",
                        "Agent 'runner' uses java.lang.ProcessBuilder.<init>: " + PROCESSES),
                at("Runner.java", source, ".exit(1)", "Agent 'runner' uses java.lang.System.exit: " + PROCESSES));
    }

    @Test
    void threadsExecutorsTimersAndParallelStreams() throws IOException {
        String source = agent("Spreader", agentAnnotation("spreader", LIMITS), """
                    @Tool(name = "spread", description = "Spreads")
                    public String spread(@Param(name = "items") List<String> items) {
                        new Thread(() -> { }).start();
                        java.util.concurrent.Executors.newSingleThreadExecutor();
                        java.util.concurrent.CompletableFuture.runAsync(() -> { });
                        long count = items.parallelStream().count();
                        new java.util.Timer();
                        return "ok " + count;
                    }
                """);

        assertThat(compileLocated("Spreader", source)).containsExactly(
                at("Spreader.java", source, "new Thread", "Agent 'spreader' uses java.lang.Thread.<init>: " + THREADS),
                at("Spreader.java", source, ".start()", "Agent 'spreader' uses java.lang.Thread.start: " + THREADS),
                at("Spreader.java", source, ".newSingleThreadExecutor()",
                        "Agent 'spreader' uses java.util.concurrent.Executors.newSingleThreadExecutor: " + THREADS),
                at("Spreader.java", source, ".runAsync(",
                        "Agent 'spreader' uses java.util.concurrent.CompletableFuture.runAsync: " + THREADS),
                at("Spreader.java", source, ".parallelStream()",
                        "Agent 'spreader' uses java.util.Collection.parallelStream: " + THREADS),
                at("Spreader.java", source, "new java.util.Timer",
                        "Agent 'spreader' uses java.util.Timer.<init>: " + THREADS));
    }

    @Test
    void files() throws IOException {
        String source = agent("Reader", agentAnnotation("reader", LIMITS), """
                    @Tool(name = "read", description = "Reads")
                    public String read(@Param(name = "name") String name) throws Exception {
                        String text = java.nio.file.Files.readString(java.nio.file.Path.of(name));
                        try (java.io.FileInputStream in = new java.io.FileInputStream(name)) {
                            return text + in.read();
                        }
                    }
                """);

        assertThat(compileLocated("Reader", source)).containsExactly(
                at("Reader.java", source, ".readString(", "Agent 'reader' uses java.nio.file.Files.readString: " + FILES),
                at("Reader.java", source, ".of(name)", "Agent 'reader' uses java.nio.file.Path.of: " + FILES),
                at("Reader.java", source, ".FileInputStream in", "Agent 'reader' uses java.io.FileInputStream: " + FILES),
                at("Reader.java", source, "new java.io.FileInputStream",
                        "Agent 'reader' uses java.io.FileInputStream.<init>: " + FILES),
                at("Reader.java", source, ".read()", "Agent 'reader' uses java.io.FileInputStream.read: " + FILES));
    }

    @Test
    void mutableStaticFields() throws IOException {
        String source = agent("Stateful", agentAnnotation("stateful", LIMITS), """
                    static Map<String, String> CACHE = new java.util.HashMap<>();
                    static String lastId = "none";
                    static final String[] NAMES = {"a", "b"};
                    static final List<String> SEEN = new java.util.ArrayList<>();
                    static final Map<String, String> LABELS = Map.of("a", "A");
                    record Point(int x, int y) { }
                    record Box(StringBuilder text) { }
                    static final Point ORIGIN = new Point(0, 0);
                    static final Box BOX = new Box(new StringBuilder());
                    private final Map<String, String> perTask = new java.util.HashMap<>();
                """);

        assertThat(compileLocated("Stateful", source)).containsExactly(
                at("Stateful.java", source, "CACHE =", "Agent 'stateful' uses team.Stateful.CACHE: " + MUTABLE_STATIC),
                at("Stateful.java", source, "lastId =", "Agent 'stateful' uses team.Stateful.lastId: " + MUTABLE_STATIC),
                at("Stateful.java", source, "NAMES =", "Agent 'stateful' uses team.Stateful.NAMES: " + MUTABLE_STATIC),
                at("Stateful.java", source, "SEEN =", "Agent 'stateful' uses team.Stateful.SEEN: " + MUTABLE_STATIC),
                at("Stateful.java", source, "BOX =", "Agent 'stateful' uses team.Stateful.BOX: " + MUTABLE_STATIC));
    }

    @Test
    void sideEffectToolWithoutScope() throws IOException {
        String source = agent("Mailer", agentAnnotation("mailer", LIMITS), """
                    @Tool(name = "send", description = "Sends a mail", sideEffects = true)
                    public String send(@Param(name = "to") String to) { return to; }
                """);

        assertThat(compileLocated("Mailer", source)).containsExactly(at("Mailer.java", source, "send(@Param",
                "Tool 'send' of agent 'mailer' has side effects but no scope: declare scope = \"...\" so that a task "
                        + "must grant it"));
    }

    @Test
    void runtimeInternalsAndTheModel() throws IOException {
        String source = agent("Insider", agentAnnotation("insider", LIMITS), """
                    private dev.switchboard.agent.sdk.loop.AgentLoop loop;
                    private dev.switchboard.agent.sdk.model.ChatModel model;
                """);

        assertThat(compileLocated("Insider", source)).containsExactly(
                at("Insider.java", source, ".AgentLoop loop", "Agent 'insider' uses dev.switchboard.agent.sdk.loop."
                        + "AgentLoop: agent code must not use the runtime's internals: only the types in package "
                        + "dev.switchboard.agent.sdk are for agents"),
                at("Insider.java", source, ".ChatModel model", "Agent 'insider' uses dev.switchboard.agent.sdk.model."
                        + "ChatModel: agent code must not call a model: the agent loop calls the model and charges "
                        + "the task's budget"));
    }

    @Test
    void lambdasAndAnonymousClassesInAToolAreTheToolsCode() throws IOException {
        String source = agent("Quitter", agentAnnotation("quitter", LIMITS), """
                    @Tool(name = "later", description = "Later")
                    public String later(@Param(name = "code") int code) {
                        Runnable quit = () -> System.exit(code);
                        quit.run();
                        new Runnable() {
                            @Override
                            public void run() {
                                Runtime.getRuntime().halt(code);
                            }
                        }.run();
                        return "ok";
                    }
                """);

        assertThat(compileLocated("Quitter", source)).containsExactly(
                at("Quitter.java", source, ".exit(code)", "Agent 'quitter' uses java.lang.System.exit: " + PROCESSES),
                at("Quitter.java", source, ".getRuntime()",
                        "Agent 'quitter' uses java.lang.Runtime.getRuntime: " + PROCESSES),
                at("Quitter.java", source, ".halt(", "Agent 'quitter' uses java.lang.Runtime.halt: " + PROCESSES));
    }

    @Test
    void helperClassThatCallsAnAgent() throws IOException {
        String router = """
                package team;

                final class Router {
                    private Router() {
                    }

                    static String route(String id) {
                        return new Billing().invoice(id);
                    }

                    static void stop() {
                        System.exit(0);
                    }

                    static int routed;
                }
                """;

        assertThat(compileLocated("Billing", BILLING, "Router", router)).containsExactly(
                at("Router.java", router, "new Billing()", "Type 'team.Router' uses team.Billing.<init>: " + OTHER_AGENT),
                at("Router.java", router, ".invoice(id)", "Type 'team.Router' uses team.Billing.invoice: " + OTHER_AGENT),
                at("Router.java", router, ".exit(0)", "Type 'team.Router' uses java.lang.System.exit: " + PROCESSES),
                at("Router.java", router, "routed;", "Type 'team.Router' uses team.Router.routed: " + MUTABLE_STATIC));
    }

    @Test
    void nativeMethod() throws IOException {
        String source = agent("Native", agentAnnotation("native-agent", LIMITS), """
                    private native void poke();
                """);

        assertThat(compileLocated("Native", source)).containsExactly(at("Native.java", source, "poke()",
                "Agent 'native-agent' declares native method poke: agent code must not load native code"));
    }

    @Test
    void classInTheRuntimesPackage() throws IOException {
        String sneaky = """
                package dev.switchboard.agent.sdk.host;

                public final class Sneaky {
                }
                """;

        assertThat(compileLocated("Billing", BILLING, "Sneaky", sneaky)).containsExactly(
                at("Sneaky.java", sneaky, "class Sneaky", "Type 'dev.switchboard.agent.sdk.host.Sneaky' is in package "
                        + "dev.switchboard.agent.sdk.host, which belongs to the runtime; agent code lives in a "
                        + "package of its own"));
    }

    @Test
    void fullCompilationReportsBreachesOnceNextToJavacsOwnErrors() throws IOException {
        String source = agent("Exiter", agentAnnotation("exiter", LIMITS), """
                    @Tool(name = "quit", description = "Quits")
                    public String quit(@Param(name = "code") String code) {
                        int status = code;
                        System.exit(status);
                        return code;
                    }
                """);

        List<Located> errors = compileLocated(false, List.of(), "Exiter", source);

        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).line()).isEqualTo(at("Exiter.java", source, "status = code", "").line());
        assertThat(errors.get(0).message()).startsWith("incompatible types");
        assertThat(errors.get(1)).isEqualTo(
                at("Exiter.java", source, ".exit(status)", "Agent 'exiter' uses java.lang.System.exit: " + PROCESSES));
    }

    @Test
    void cleanAgentCompilesToClassFiles() throws IOException {
        String source = agent("Pinger", agentAnnotation("pinger", LIMITS), """
                    private static final List<String> ANSWERS = List.of("pong");
                    @Tool(name = "ping", description = "Pings")
                    public String ping(@Param(name = "text") String text) {
                        return ANSWERS.get(0) + " " + String.format("%s at %d", text, System.currentTimeMillis());
                    }
                """);

        assertThat(compileLocated(false, List.of(), "Pinger", source)).isEmpty();
        assertThat(dir.resolve("classes/team/Pinger.class")).exists();
    }

    @Test
    void compilationWithoutAgentsIsNotChecked() throws IOException {
        String tool = """
                package team;

                final class Cli {
                    static void main(String[] args) {
                        System.exit(args.length);
                    }
                }
                """;

        assertThat(compileLocated("Cli", tool)).isEmpty();
    }
}
