package dev.switchboard.agent.sdk.definition;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.definition.CodeRules.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Compiles agent code without the annotation processor and checks what the bytecode check finds. */
class CodeCheckTest {

    @TempDir
    Path dir;

    private static final String IMPORTS = """
            import dev.switchboard.agent.sdk.*;
            import java.io.*;
            import java.math.BigDecimal;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.function.*;
            import java.util.stream.*;
            """;

    private static final String LIMITS = "limits = @Limits(maxIterations = 5, maxTokens = 5000, timeoutSeconds = 30)";

    /** Source of an agent class {@code dev.example.<name>} with the given members. */
    private static String agent(String name, String members) {
        return "package dev.example;\n" + IMPORTS + """
                @Agent(id = "%s", description = "Helps", scopes = {"billing:read", "billing:refund"}, %s)
                public class %s implements ExpertAgent {
                    public String instructions() { return "Help."; }
                %s
                }
                """.formatted(name.toLowerCase(Locale.ROOT), LIMITS, name, members);
    }

    /** Source of a plain class {@code dev.example.<name>} with the given members. */
    private static String plain(String name, String members) {
        return "package dev.example;\n" + IMPORTS + "public class " + name + " {\n" + members + "\n}\n";
    }

    /** "uses {@code what}: agent code must not ..." as CodeRules words it. */
    private static String uses(String what, Reason reason) {
        return "uses " + what + ": agent code must not " + reason.text();
    }

    private static final String MUTABLE = "agent code must not keep mutable static state: a static field must be "
            + "final and hold an immutable value (a primitive, String, enum, record, BigDecimal, BigInteger, "
            + "java.time value, Pattern, or List/Set/Map.of or copyOf); state for one task belongs in instance fields";

    private static final String TOOL_CALL = "a tool runs only when the model calls it, with its own scope check";

    /** Compiles binary class names and sources into a fresh directory, without annotation processing. */
    private Path compile(String... classNameAndSource) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path sources = Files.createTempDirectory(dir, "src");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < classNameAndSource.length; i += 2) {
            Path file = sources.resolve(classNameAndSource[i].replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, classNameAndSource[i + 1], StandardCharsets.UTF_8);
            files.add(file);
        }
        Path out = Files.createTempDirectory(dir, "classes");
        List<String> arguments = List.of("-d", out.toString(), "-classpath", sdkClasses().toString(), "-proc:none",
                "-nowarn");
        boolean compiled;
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            compiled = compiler.getTask(null, fileManager, diagnostics, arguments, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
        }
        if (!compiled) {
            fail(diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("\n")));
        }
        return out;
    }

    private static Path sdkClasses() {
        try {
            return Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> messages(Path root, String... agents) throws IOException {
        return CodeCheck.check(List.of(root), Set.of(agents)).stream().map(CodeCheck.Finding::message).toList();
    }

    @Test
    void refusesACallOfAnotherAgentsToolOrClasses() throws IOException {
        Path classes = compile(
                "dev.example.Billing", agent("Billing", """
                    public record Invoice(String id) { }
                    @Tool(description = "Looks up an invoice")
                    public String invoice(String id) { return Shared.tidy(new Invoice(id).id()); }
                """),
                "dev.example.Support", agent("Support", """
                    @Tool(description = "Answers")
                    public String answer(String id) { return new Billing().invoice(Shared.tidy(id)); }
                    @Tool(description = "Quotes")
                    public String quote(String id) { return new Billing.Invoice(id).toString(); }
                """),
                "dev.example.Shared", plain("Shared", """
                    static String tidy(String text) { return text.trim(); }
                """));

        assertThat(messages(classes, "dev.example.Billing", "dev.example.Support")).containsExactly(
                "dev.example.Support.answer(String): " + uses("dev.example.Billing.<init>", Reason.OTHER_AGENT),
                "dev.example.Support.answer(String): " + uses("dev.example.Billing.invoice", Reason.OTHER_AGENT),
                "dev.example.Support.quote(String): " + uses("dev.example.Billing$Invoice.<init>", Reason.OTHER_AGENT),
                "dev.example.Support.quote(String): " + uses("dev.example.Billing$Invoice.toString",
                        Reason.OTHER_AGENT),
                "dev.example.Support.answer(String): tool 'answer' calls tool 'invoice': " + TOOL_CALL);
    }

    @Test
    void refusesReflection() throws IOException {
        Path classes = compile("dev.example.Spy", agent("Spy", """
                    @Tool(description = "Peeks")
                    public String peek() throws Exception {
                        Class<?> type = Class.forName("dev.example.Secret");
                        java.lang.reflect.Field field = type.getDeclaredField("key");
                        field.setAccessible(true);
                        return (String) field.get(null);
                    }
                """));

        assertThat(messages(classes, "dev.example.Spy")).containsExactly(
                "dev.example.Spy.peek(): uses java.lang.Class.forName: agent code must not use reflection, "
                        + "method handles or serialization internals",
                "dev.example.Spy.peek(): " + uses("java.lang.Class.getDeclaredField", Reason.REFLECTION),
                "dev.example.Spy.peek(): " + uses("java.lang.reflect.Field.setAccessible", Reason.REFLECTION),
                "dev.example.Spy.peek(): " + uses("java.lang.reflect.Field.get", Reason.REFLECTION));
    }

    @Test
    void refusesMethodHandles() throws IOException {
        Path classes = compile("dev.example.Handles", agent("Handles", """
                    @Tool(description = "Measures")
                    public int measure() throws Throwable {
                        java.lang.invoke.MethodHandle handle = java.lang.invoke.MethodHandles.lookup().findVirtual(
                                String.class, "length", java.lang.invoke.MethodType.methodType(int.class));
                        return (int) handle.invokeExact("text");
                    }
                """));

        assertThat(messages(classes, "dev.example.Handles")).containsExactly(
                "dev.example.Handles.measure(): " + uses("java.lang.invoke.MethodHandles.lookup", Reason.REFLECTION),
                "dev.example.Handles.measure(): " + uses("java.lang.invoke.MethodType.methodType", Reason.REFLECTION),
                "dev.example.Handles.measure(): " + uses("java.lang.invoke.MethodHandles$Lookup.findVirtual",
                        Reason.REFLECTION),
                "dev.example.Handles.measure(): " + uses("java.lang.invoke.MethodHandle.invokeExact",
                        Reason.REFLECTION));
    }

    @Test
    void refusesAToolThatCallsAnotherToolDirectlyThroughAHelperOrInALambda() throws IOException {
        Path classes = compile("dev.example.Billing", agent("Billing", """
                    @Tool(description = "Looks")
                    public String look(String id) { return refund(id); }
                    @Tool(name = "look_all", description = "Looks at all")
                    public String lookAll(List<String> ids) {
                        return ids.stream().map(this::viaHelper).collect(Collectors.joining());
                    }
                    @Tool(description = "Looks at each")
                    public String lookEach(List<String> ids) {
                        ids.forEach(id -> refund(id));
                        return "done";
                    }
                    @Tool(description = "Counts, and calls itself")
                    public int count(int n) { return n <= 0 ? 0 : 1 + count(n - 1); }
                    private String viaHelper(String id) { return refund(id); }
                    @Tool(description = "Refunds", scope = "billing:refund", sideEffects = true)
                    public String refund(String id) { return "refunded " + id; }
                """));

        assertThat(messages(classes, "dev.example.Billing")).containsExactly(
                "dev.example.Billing.look(String): tool 'look' calls tool 'refund': " + TOOL_CALL,
                "dev.example.Billing.lookAll(List): tool 'look_all' calls tool 'refund': " + TOOL_CALL,
                "dev.example.Billing.lookEach(List): tool 'lookEach' calls tool 'refund': " + TOOL_CALL);
    }

    @Test
    void refusesNetworkUse() throws IOException {
        Path classes = compile("dev.example.Net", agent("Net", """
                    @Tool(description = "Connects")
                    public String socket() throws IOException {
                        Object socket = new java.net.Socket("example.org", 80);
                        return String.valueOf(socket);
                    }
                    @Tool(description = "Asks")
                    public String http() {
                        Object client = java.net.http.HttpClient.newHttpClient();
                        return String.valueOf(client);
                    }
                    @Tool(description = "Reads")
                    public String url(String address) throws IOException {
                        return new String(new java.net.URL(address).openStream().readAllBytes());
                    }
                """));

        assertThat(messages(classes, "dev.example.Net")).containsExactly(
                "dev.example.Net.socket(): uses java.net.Socket.<init>: agent code must not open network "
                        + "connections or resolve names: declare @Tool(egress = \"name\") and use context.http()",
                "dev.example.Net.http(): " + uses("java.net.http.HttpClient.newHttpClient", Reason.NETWORK),
                "dev.example.Net.url(String): " + uses("java.net.URL.<init>", Reason.NETWORK),
                "dev.example.Net.url(String): " + uses("java.net.URL.openStream", Reason.NETWORK));
    }

    @Test
    void refusesTheEnvironmentAndProcesses() throws IOException {
        Path classes = compile("dev.example.Host", agent("Host", """
                    @Tool(description = "Env")
                    public String env() { return System.getenv().toString(); }
                    @Tool(description = "Home")
                    public String home() { return System.getProperty("user.home"); }
                    @Tool(description = "Quits")
                    public void quit() { System.exit(1); }
                    @Tool(description = "Runs")
                    public void run() throws IOException { Runtime.getRuntime().exec(new String[] {"ls"}); }
                """));

        assertThat(messages(classes, "dev.example.Host")).containsExactly(
                "dev.example.Host.env(): uses java.lang.System.getenv: agent code must not read the environment "
                        + "or system properties: a tool gets what it declares (egress) from the runtime",
                "dev.example.Host.home(): " + uses("java.lang.System.getProperty", Reason.ENVIRONMENT),
                "dev.example.Host.quit(): uses java.lang.System.exit: agent code must not start processes, exit "
                        + "the JVM or load native code",
                "dev.example.Host.run(): " + uses("java.lang.Runtime.getRuntime", Reason.PROCESSES),
                "dev.example.Host.run(): " + uses("java.lang.Runtime.exec", Reason.PROCESSES));
    }

    @Test
    void refusesThreadsExecutorsAsyncAndParallelStreamsAlsoWhenInherited() throws IOException {
        Path classes = compile("dev.example.Threads", agent("Threads", """
                    @Tool(description = "Thread")
                    public void thread() { new Thread(() -> { }).start(); }
                    @Tool(description = "Pool")
                    public void pool() { Executors.newFixedThreadPool(2); }
                    @Tool(description = "Async")
                    public String async() { return CompletableFuture.supplyAsync(() -> "x").join(); }
                    @Tool(description = "Parallel")
                    public long parallel() { return new ArrayList<String>().parallelStream().count(); }
                    @Tool(description = "Parallel list")
                    public long parallelList(List<String> items) { return items.parallelStream().count(); }
                    @Tool(description = "Worker")
                    public boolean worker(Object thread) { return thread instanceof ForkJoinWorkerThread; }
                    static class Bag extends ArrayList<String> {
                        long size2() { return parallelStream().count(); }
                    }
                    static class Worker extends Thread {
                    }
                """));

        assertThat(messages(classes, "dev.example.Threads")).containsExactly(
                "dev.example.Threads.thread(): " + uses("java.lang.Thread.<init>", Reason.THREADS),
                "dev.example.Threads.thread(): " + uses("java.lang.Thread.start", Reason.THREADS),
                "dev.example.Threads.pool(): " + uses("java.util.concurrent.Executors.newFixedThreadPool",
                        Reason.THREADS),
                "dev.example.Threads.async(): " + uses("java.util.concurrent.CompletableFuture.supplyAsync",
                        Reason.THREADS),
                "dev.example.Threads.parallel(): " + uses("java.util.Collection.parallelStream", Reason.THREADS),
                "dev.example.Threads.parallelList(List): " + uses("java.util.Collection.parallelStream",
                        Reason.THREADS),
                "dev.example.Threads.worker(Object): " + uses("java.lang.Thread", Reason.THREADS),
                "dev.example.Threads$Bag.size2(): " + uses("java.util.Collection.parallelStream", Reason.THREADS),
                "dev.example.Threads$Worker: " + uses("java.lang.Thread", Reason.THREADS),
                "dev.example.Threads$Worker.<init>(): " + uses("java.lang.Thread.<init>", Reason.THREADS));
    }

    @Test
    void refusesFiles() throws IOException {
        Path classes = compile("dev.example.Reader", agent("Reader", """
                    @Tool(description = "Reads")
                    public String read() throws IOException {
                        return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname"));
                    }
                """));

        assertThat(messages(classes, "dev.example.Reader")).containsExactly(
                "dev.example.Reader.read(): " + uses("java.nio.file.Path.of", Reason.FILES),
                "dev.example.Reader.read(): " + uses("java.nio.file.Files.readString", Reason.FILES));
    }

    @Test
    void findsARefusedCallInALambdaAndInAMethodReference() throws IOException {
        Path classes = compile("dev.example.Quitter", agent("Quitter", """
                    @Tool(description = "Quits")
                    public String quit(List<Integer> codes) {
                        codes.forEach(code -> System.exit(code));
                        return "bye";
                    }
                    @Tool(description = "Quits too")
                    public String quitByReference() {
                        IntConsumer exit = System::exit;
                        exit.accept(2);
                        return "bye";
                    }
                """));

        assertThat(messages(classes, "dev.example.Quitter")).containsExactly(
                "dev.example.Quitter.quitByReference(): " + uses("java.lang.System.exit", Reason.PROCESSES),
                "dev.example.Quitter.lambda$quit$0(Integer): " + uses("java.lang.System.exit", Reason.PROCESSES));
    }

    @Test
    void refusesMutableStaticsAndAllowsImmutableOnes() throws IOException {
        Path classes = compile("dev.example.State", plain("State", """
                    static Map<String, String> cache = new HashMap<>();
                    static final Map<String, String> SHARED = new HashMap<>();
                    static int counter;
                    static final int[] CODES = {1, 2};
                    static final List<String> VIEW = Collections.unmodifiableList(new ArrayList<>());
                    static final Object LOCK = new Object();
                    static final List<String> SOMETIMES;
                    static {
                        SOMETIMES = counter > 0 ? List.of("a") : new ArrayList<>();
                    }
                    static final List<String> OTHER_TIMES = counter > 0 ? new ArrayList<>() : List.of("a");
                    // two paths reach the assignment: refused even when both are factories, unless copied
                    static final List<String> EITHER = counter > 0 ? List.of() : List.of("a");
                    static final List<String> EITHER_COPIED = List.copyOf(counter > 0 ? List.of() : List.of("a"));

                    static final Map<String, String> NAMES = Map.of("a", "b");
                    static final List<Rec> RECS = List.of(new Rec("a"));
                    static final Set<String> COPY = Set.copyOf(List.of("x"));
                    static final Map<String, Integer> ENTRIES = Map.ofEntries(Map.entry("a", 1));
                    static final Color COLOR = Color.RED;
                    static final TimeUnit UNIT = TimeUnit.SECONDS;
                    static final String NAME = "state";
                    static final String COMPUTED = String.valueOf(System.currentTimeMillis());
                    static final BigDecimal RATE = new BigDecimal("0.2");
                    static final Rec DEFAULT = new Rec("d");
                    static final long SERIAL = 1L;
                    private String perTask = "instance fields are fine";

                    record Rec(String name) { }
                    enum Color { RED, GREEN { public String toString() { return "green"; } } }
                """));

        assertThat(messages(classes)).containsExactly(
                "dev.example.State: uses dev.example.State.cache: " + MUTABLE,
                "dev.example.State: uses dev.example.State.SHARED: " + MUTABLE,
                "dev.example.State: uses dev.example.State.counter: " + MUTABLE,
                "dev.example.State: uses dev.example.State.CODES: " + MUTABLE,
                "dev.example.State: uses dev.example.State.VIEW: " + MUTABLE,
                "dev.example.State: uses dev.example.State.LOCK: " + MUTABLE,
                "dev.example.State: uses dev.example.State.SOMETIMES: " + MUTABLE,
                "dev.example.State: uses dev.example.State.OTHER_TIMES: " + MUTABLE,
                "dev.example.State: uses dev.example.State.EITHER: " + MUTABLE);
    }

    @Test
    void refusesAClassInTheSdksPackages() throws IOException {
        Path classes = compile(
                "dev.switchboard.agent.sdk.host.Backdoor", """
                        package dev.switchboard.agent.sdk.host;
                        public class Backdoor {
                            public static String open() { return "open"; }
                        }
                        """,
                "dev.example.Sneaky", agent("Sneaky", """
                    @Tool(description = "Opens")
                    public String open() { return dev.switchboard.agent.sdk.host.Backdoor.open(); }
                """));

        assertThat(messages(classes, "dev.example.Sneaky")).containsExactly(
                "dev.switchboard.agent.sdk.host.Backdoor: uses dev.switchboard.agent.sdk.host.Backdoor: agent "
                        + "code must not use the runtime's internals: only the types in package "
                        + "dev.switchboard.agent.sdk are for agents");
    }

    @Test
    void refusesASideEffectToolWithoutScopeAndNativeMethods() throws IOException {
        Path classes = compile("dev.example.Mailer", agent("Mailer", """
                    @Tool(description = "Refunds", sideEffects = true)
                    public String refund(String id) { return id; }
                    @Tool(name = "send_mail", description = "Sends", sideEffects = true, scope = "")
                    public String send(String to) { return to; }
                    @Tool(description = "Refunds with scope", sideEffects = true, scope = "billing:refund")
                    public String scopedRefund(String id) { return id; }
                    public native int peek(long address);
                """));

        assertThat(messages(classes, "dev.example.Mailer")).containsExactly(
                "dev.example.Mailer.refund(String): tool 'refund' has side effects but no scope",
                "dev.example.Mailer.send(String): tool 'send_mail' has side effects but no scope",
                "dev.example.Mailer.peek(long): " + uses("dev.example.Mailer.peek", Reason.PROCESSES));
    }

    @Test
    void refusesABootstrapMethodJavacDoesNotEmit() throws IOException {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "dev/example/Odd", null, "java/lang/Object", null);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "()V", null, null);
        method.visitCode();
        method.visitInvokeDynamicInsn("go", "()V", new Handle(Opcodes.H_INVOKESTATIC, "dev/example/Boot", "boot",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)"
                        + "Ljava/lang/invoke/CallSite;", false));
        method.visitInsn(Opcodes.RETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        Path classes = Files.createDirectories(dir.resolve("odd/dev/example"));
        Files.write(classes.resolve("Odd.class"), writer.toByteArray());

        assertThat(messages(dir.resolve("odd"))).containsExactly(
                "dev.example.Odd.run(): " + uses("dev.example.Boot.boot", Reason.REFLECTION));
    }

    @Test
    void findsNothingInACleanAgent() throws IOException {
        Path classes = compile(
                "dev.example.Clean", agent("Clean", """
                    static final String GREETING = "Hello";
                    static final List<String> LEVELS = List.of("low", "high");
                    private final Map<String, Integer> seen = new HashMap<>();
                    private int calls;

                    public record Quote(String id, BigDecimal amount) { }
                    enum Level { LOW, HIGH }

                    @Tool(description = "Quotes", scope = "billing:read")
                    public String quote(String id, String level) throws InterruptedException {
                        calls++;
                        seen.merge(id, 1, Integer::sum);
                        Thread.sleep(1);
                        Quote quote = new Quote(id, new BigDecimal("1.50").add(BigDecimal.ONE));
                        String kind = switch (level) {
                            case "low" -> "cheap";
                            case "high" -> "dear";
                            default -> "unknown";
                        };
                        String size = switch (Level.valueOf(level.toUpperCase(Locale.ROOT))) {
                            case LOW -> "s";
                            case HIGH -> "l";
                        };
                        assert calls > 0;
                        Object other = new Quote(id, BigDecimal.ZERO);
                        if (other instanceof Quote q && q.equals(quote)) {
                            return "same";
                        }
                        String names = LEVELS.stream().map(s -> s.toUpperCase(Locale.ROOT))
                                .collect(Collectors.joining(","));
                        System.out.println(getClass().getSimpleName() + " " + getClass().getTypeName() + " "
                                + System.currentTimeMillis());
                        return String.format("%s %s %s %s", quote, kind, size, names) + quote.hashCode()
                                + java.net.URI.create("https://example.org/" + id).getPath() + GREETING;
                    }

                    @Tool(description = "Waits", scope = "billing:read")
                    public String waitABit() {
                        try {
                            Thread.sleep(5);
                            return "waited";
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return "interrupted";
                        }
                    }

                    @Tool(description = "Refunds", scope = "billing:refund", sideEffects = true)
                    public String refund(ToolContext context, String id) { return Helper.describe(id); }
                """),
                "dev.example.Helper", plain("Helper", """
                    static String describe(String id) {
                        return Optional.ofNullable(id).map(String::strip).orElse("none");
                    }
                """));

        assertThat(messages(classes, "dev.example.Clean")).isEmpty();
    }

    @Test
    void checksTheClassesInAJar() throws IOException {
        Path classes = compile("dev.example.Host", agent("Host", """
                    @Tool(description = "Quits")
                    public void quit() { System.exit(1); }
                    @Tool(description = "Home")
                    public String home() { return System.getProperty("user.home"); }
                """));
        Path jar = dir.resolve("host.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }

        assertThat(messages(jar, "dev.example.Host")).containsExactly(
                "dev.example.Host.quit(): " + uses("java.lang.System.exit", Reason.PROCESSES),
                "dev.example.Host.home(): " + uses("java.lang.System.getProperty", Reason.ENVIRONMENT));
    }

    @Test
    void requireCleanListsEveryFindingOneALine() throws IOException {
        Path classes = compile("dev.example.Host", agent("Host", """
                    @Tool(description = "Quits")
                    public void quit() { System.exit(1); }
                    @Tool(description = "Refunds", sideEffects = true)
                    public String refund(String id) { return id; }
                """));

        assertThatThrownBy(() -> CodeCheck.requireClean(List.of(classes), Set.of("dev.example.Host")))
                .isInstanceOf(AgentDefinitionException.class)
                .hasMessage("Agent code breaks the runtime's rules:\n"
                        + "  dev.example.Host.quit(): uses java.lang.System.exit: agent code must not start "
                        + "processes, exit the JVM or load native code\n"
                        + "  dev.example.Host.refund(String): tool 'refund' has side effects but no scope")
                .satisfies(e -> assertThat(((AgentDefinitionException) e).problems()).containsExactly(
                        "dev.example.Host.quit(): " + uses("java.lang.System.exit", Reason.PROCESSES),
                        "dev.example.Host.refund(String): tool 'refund' has side effects but no scope"));
    }

    @Test
    void requireCleanListsFiftyFindingsAndCountsTheRest() throws IOException {
        String fields = IntStream.range(0, 53).mapToObj(i -> String.format("static int f%02d;", i))
                .collect(Collectors.joining("\n"));
        Path classes = compile("dev.example.Counters", plain("Counters", fields));

        assertThatThrownBy(() -> CodeCheck.requireClean(List.of(classes), Set.of()))
                .isInstanceOf(AgentDefinitionException.class)
                .hasMessage("Agent code breaks the runtime's rules:\n"
                        + IntStream.range(0, 50)
                                .mapToObj(i -> String.format("  dev.example.Counters: uses dev.example.Counters.f%02d: ",
                                        i) + MUTABLE + "\n")
                                .collect(Collectors.joining())
                        + "  ... and 3 more")
                .satisfies(e -> assertThat(((AgentDefinitionException) e).problems()).hasSize(53));
    }

    @Test
    void requireCleanPassesCleanCode() throws IOException {
        Path classes = compile("dev.example.Helper", plain("Helper", """
                    static String describe(String id) { return id.strip(); }
                """));

        CodeCheck.requireClean(List.of(classes), Set.of());
    }

    @Test
    void aFindingNamesTheMethodWithSimpleParameterTypes() {
        CodeCheck.Finding finding = new CodeCheck.Finding("dev.example.Escape",
                "leak(Ljava/lang/String;[ILjava/util/Map$Entry;)V",
                new CodeRules.Breach("java.lang.System", "exit", Reason.PROCESSES));

        assertThat(finding.message()).isEqualTo("dev.example.Escape.leak(String, int[], Map.Entry): uses "
                + "java.lang.System.exit: agent code must not start processes, exit the JVM or load native code");
        assertThat(new CodeCheck.Finding("dev.example.Escape", null, null, "text").message())
                .isEqualTo("dev.example.Escape: text");
    }
}
