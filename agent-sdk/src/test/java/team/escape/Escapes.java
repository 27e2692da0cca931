package team.escape;

import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.definition.CodeCheck;
import dev.switchboard.agent.sdk.host.EgressRoute;
import dev.switchboard.agent.sdk.host.ToolProcess;
import dev.switchboard.agent.sdk.loop.AgentLoop;
import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.loop.TaskInput;
import dev.switchboard.agent.sdk.model.ChatModel;
import dev.switchboard.agent.sdk.processor.AgentProcessor;
import dev.switchboard.agent.sdk.testing.ScriptedModel;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the escape suite does with an escape agent: compile its source with the SDK's processor, and run
 * its compiled class in a real tool process under a real agent loop, as agent-service does.
 */
final class Escapes {

    private static final Path SOURCES = Path.of("src/test/java/team/escape");

    private Escapes() {
    }

    /** The processor's errors for these escape classes, as {@code File.java:line: message}. */
    static List<String> buildErrors(Path work, Class<?>... classes) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<File> files = new ArrayList<>();
        files.add(SOURCES.resolve("EscapeTargets.java").toFile());
        for (Class<?> type : classes) {
            files.add(SOURCES.resolve(type.getSimpleName() + ".java").toFile());
        }
        String sdk = Path.of(ExpertAgent.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            compiler.getTask(null, fileManager, diagnostics, List.of("-proc:only", "-classpath", sdk, "-processor",
                            AgentProcessor.class.getName(), "-d", Files.createDirectories(work).toString()), null,
                    fileManager.getJavaFileObjectsFromFiles(files)).call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> Path.of(d.getSource().getName()).getFileName() + ":" + d.getLineNumber() + ": "
                        + d.getMessage(Locale.ROOT))
                .toList();
    }

    /** What agent-service's start check finds in these escape classes' bytecode (compiled without the processor). */
    static List<String> startFindings(Path work, Class<?>... classes) throws IOException {
        Path root = Files.createDirectories(work.resolve("agent-module"));
        Path compiled = Path.of(Escapes.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path packageDir = Path.of("team/escape");
        Files.createDirectories(root.resolve(packageDir));
        List<String> prefixes = new ArrayList<>(List.of("EscapeTargets"));
        Arrays.stream(classes).map(Class::getSimpleName).forEach(prefixes::add);
        Set<String> agentClasses = new java.util.HashSet<>();
        try (var files = Files.list(compiled.resolve(packageDir))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (prefixes.stream().anyMatch(p -> name.equals(p + ".class") || name.startsWith(p + "$"))) {
                    Files.copy(file, root.resolve(packageDir).resolve(name));
                }
            }
        }
        for (Class<?> type : classes) {
            agentClasses.add(type.getName());
        }
        return CodeCheck.check(List.of(root), agentClasses).stream().map(CodeCheck.Finding::message).toList();
    }

    /** A tool process for the agent, on the test's class path, as agent-service starts one. */
    static ToolProcess start(Class<? extends ExpertAgent> agent) {
        return start(agent, Map.of());
    }

    static ToolProcess start(Class<? extends ExpertAgent> agent, Map<String, EgressRoute> egress) {
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank()).map(Path::of).toList();
        return ToolProcess.start(AgentDefinition.of(agent), ToolProcess.Options.defaults(classpath).withEgress(egress));
    }

    /** Runs a task in which the model calls {@code tool} with {@code arguments}, then replies with its result. */
    static LoopResult run(ToolProcess tools, Class<? extends ExpertAgent> agent, String tenant, String taskId,
                          String tool, Map<String, ?> arguments, Duration timeout) {
        ChatModel model = ScriptedModel.create().whenMessage(text -> true).callTool(tool, arguments)
                .thenReply(result -> result);
        return run(tools, agent, model, tenant, taskId, timeout);
    }

    static LoopResult run(ToolProcess tools, Class<? extends ExpertAgent> agent, ChatModel model, String tenant,
                          String taskId, Duration timeout) {
        AgentDefinition definition = AgentDefinition.of(agent);
        TaskInput task = TaskInput.of(taskId, "session-" + taskId, new Principal(tenant, "user-1"), "go")
                .withGrantedScopes(Set.of("orders:read", "billing:refund")).withLimits(0, 0, timeout);
        return new AgentLoop(definition, tools, model).run(task);
    }
}
