package dev.switchboard.agent.sdk.processor;

import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.Handoff;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.definition.AgentCatalog;
import dev.switchboard.agent.sdk.definition.AgentRules;
import dev.switchboard.agent.sdk.definition.CodeRules;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks {@link Agent} classes while they compile and fails the build, on the offending element, when one
 * breaks a rule of {@link AgentRules}. Handoff targets must be agents of the same compilation or ids listed
 * in the processor option {@code switchboard.knownAgents} (comma-separated). On success it lists the agent
 * classes in {@value AgentCatalog#AGENTS_RESOURCE}, where the runtime finds them.
 *
 * <p>In a compilation with agents it also checks the code of every class of the compilation with
 * {@link CodeScanner} against {@link CodeRules}, and refuses classes in the runtime's packages. A compilation
 * without agents is not checked.
 *
 * <p>Registered in {@code META-INF/services}, so it runs in every build that depends on the SDK.
 */
@SupportedAnnotationTypes({"dev.switchboard.agent.sdk.Agent", "dev.switchboard.agent.sdk.Tool"})
@SupportedOptions(AgentProcessor.KNOWN_AGENTS_OPTION)
public final class AgentProcessor extends AbstractProcessor {

    /** Ids of agents outside this compilation that handoffs may name, comma-separated. */
    public static final String KNOWN_AGENTS_OPTION = "switchboard.knownAgents";

    private static final String EXPERT_AGENT = "dev.switchboard.agent.sdk.ExpertAgent";
    private static final String TOOL_CONTEXT = "dev.switchboard.agent.sdk.ToolContext";

    private final Map<String, TypeElement> agents = new LinkedHashMap<>();
    private boolean failed;
    /** Null when the compiler is not javac: then the code checks are skipped. */
    private Trees trees;
    private CodeScanner scanner;
    private boolean skippedNoted;

    @Override
    public synchronized void init(ProcessingEnvironment processingEnv) {
        super.init(processingEnv);
        try {
            trees = Trees.instance(processingEnv);
            scanner = new CodeScanner(trees, processingEnv.getElementUtils());
        } catch (IllegalArgumentException | NoClassDefFoundError e) {
            trees = null;
            scanner = null;
        }
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (Element element : round.getElementsAnnotatedWith(Agent.class)) {
            if (element.getKind() != ElementKind.CLASS) {
                error(element, "@Agent belongs on a class that implements ExpertAgent");
                continue;
            }
            checkAgent((TypeElement) element);
        }
        for (Element element : round.getElementsAnnotatedWith(Tool.class)) {
            if (element.getEnclosingElement().getAnnotation(Agent.class) == null) {
                error(element, "Tool method " + element.getSimpleName() + " is not in a class annotated with @Agent");
            }
        }
        if (!agents.isEmpty() && !round.processingOver()) {
            checkCode(round);
        }
        if (round.processingOver()) {
            checkHandoffs();
            if (!failed && !agents.isEmpty()) {
                writeAgentList();
            }
        }
        return false;
    }

    private void checkAgent(TypeElement type) {
        Agent agent = type.getAnnotation(Agent.class);
        String id = agent.id();
        TypeElement previous = agents.putIfAbsent(id, type);
        if (previous != null && !previous.equals(type)) {
            error(type, AgentRules.duplicateAgentId(id, previous.getQualifiedName().toString()));
        }
        if (!AgentRules.AGENT_ID.matcher(id).matches()) {
            error(type, AgentRules.notKebabCase(id));
        }
        TypeElement expertAgent = processingEnv.getElementUtils().getTypeElement(EXPERT_AGENT);
        if (!processingEnv.getTypeUtils().isAssignable(type.asType(),
                processingEnv.getTypeUtils().erasure(expertAgent.asType()))) {
            error(type, AgentRules.notExpertAgent(id));
        }
        if (!isInstantiable(type)) {
            error(type, AgentRules.notInstantiable(id));
        }
        Limits limits = agent.limits();
        for (String problem : AgentRules.checkLimits(id, limits.maxIterations(), limits.maxTokens(),
                limits.timeoutSeconds())) {
            error(type, problem);
        }
        Set<String> scopes = Set.of(agent.scopes());
        Set<String> toolNames = new HashSet<>();
        for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
            Tool tool = method.getAnnotation(Tool.class);
            if (tool != null) {
                checkTool(id, scopes, method, tool, toolNames);
            }
        }
    }

    /** Checks the code of every class of the round: the agents and the module's other classes. */
    private void checkCode(RoundEnvironment round) {
        for (Element root : round.getRootElements()) {
            if (root instanceof TypeElement type) {
                checkPackage(type);
            }
        }
        if (scanner == null) {
            if (!skippedNoted) {
                skippedNoted = true;
                processingEnv.getMessager().printMessage(Diagnostic.Kind.NOTE, "Switchboard: this compiler offers "
                        + "no javac tree API, so the checks of the code inside agents were skipped; agent-service "
                        + "still checks every agent's bytecode before it starts");
            }
            return;
        }
        for (Element root : round.getRootElements()) {
            TreePath path = root instanceof TypeElement ? trees.getPath(root) : null;
            if (path != null && scanner.check(path.getCompilationUnit()) > 0) {
                failed = true;
            }
        }
    }

    private void checkPackage(TypeElement type) {
        String name = processingEnv.getElementUtils().getPackageOf(type).getQualifiedName().toString();
        if (name.equals(CodeRules.SDK_PACKAGE) || name.startsWith(CodeRules.SDK_PACKAGE + ".")) {
            error(type, "Type '" + processingEnv.getElementUtils().getBinaryName(type) + "' is in package " + name
                    + ", which belongs to the runtime; agent code lives in a package of its own");
        }
    }

    private static boolean isInstantiable(TypeElement type) {
        Set<Modifier> modifiers = type.getModifiers();
        boolean topLevelOrStatic = type.getEnclosingElement().getKind() == ElementKind.PACKAGE
                || modifiers.contains(Modifier.STATIC);
        if (!modifiers.contains(Modifier.PUBLIC) || modifiers.contains(Modifier.ABSTRACT) || !topLevelOrStatic) {
            return false;
        }
        return ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
                .anyMatch(c -> c.getParameters().isEmpty() && c.getModifiers().contains(Modifier.PUBLIC));
    }

    private void checkTool(String agentId, Set<String> scopes, ExecutableElement method, Tool tool,
                           Set<String> toolNames) {
        String name = CodeScanner.toolName(method, tool);
        if (AgentRules.RESERVED_TOOL_NAMES.contains(name)) {
            error(method, AgentRules.reservedToolName(agentId, name));
        } else if (!AgentRules.TOOL_NAME.matcher(name).matches()) {
            error(method, AgentRules.badToolName(agentId, name));
        }
        if (!toolNames.add(name)) {
            error(method, AgentRules.duplicateTool(agentId, name));
        }
        if (!method.getModifiers().contains(Modifier.PUBLIC) || method.getModifiers().contains(Modifier.STATIC)) {
            error(method, AgentRules.toolNotPublic(agentId, name));
        }
        if (!tool.scope().isEmpty() && !scopes.contains(tool.scope())) {
            error(method, AgentRules.undeclaredScope(agentId, name, tool.scope()));
        }
        if (tool.sideEffects() && tool.scope().isEmpty()) {
            error(method, AgentRules.sideEffectsWithoutScope(agentId, name));
        }
        Set<String> parameterNames = new HashSet<>();
        List<? extends VariableElement> parameters = method.getParameters();
        for (int i = 0; i < parameters.size(); i++) {
            VariableElement parameter = parameters.get(i);
            Param param = parameter.getAnnotation(Param.class);
            if (param == null && isToolContext(parameter.asType())) {
                continue;
            }
            if (param == null) {
                error(parameter, AgentRules.missingParam(agentId, name, i + 1));
                continue;
            }
            if (!parameterNames.add(param.name())) {
                error(parameter, AgentRules.duplicateParam(agentId, name, param.name()));
            }
            String unsupported = unsupportedType(parameter.asType(), new HashSet<>());
            if (unsupported != null) {
                error(parameter, AgentRules.unsupportedType(agentId, name, param.name(), unsupported));
            }
        }
    }

    private static boolean isToolContext(TypeMirror type) {
        return type instanceof DeclaredType declared
                && ((TypeElement) declared.asElement()).getQualifiedName().contentEquals(TOOL_CONTEXT);
    }

    /** Mirrors the reflective check of the runtime: the first type without a JSON schema, or null. */
    private static String unsupportedType(TypeMirror type, Set<String> enclosingRecords) {
        switch (type.getKind()) {
            case BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE -> {
                return null;
            }
            case DECLARED -> {
                DeclaredType declared = (DeclaredType) type;
                TypeElement element = (TypeElement) declared.asElement();
                String name = element.getQualifiedName().toString();
                if (AgentRules.SCALAR_TYPES.contains(name) || element.getKind() == ElementKind.ENUM) {
                    return null;
                }
                if ((name.equals("java.util.List") || name.equals("java.util.Set"))
                        && declared.getTypeArguments().size() == 1) {
                    return unsupportedType(declared.getTypeArguments().get(0), enclosingRecords);
                }
                if (element.getKind() == ElementKind.RECORD && element.getTypeParameters().isEmpty()
                        && enclosingRecords.add(name)) {
                    for (RecordComponentElement component : element.getRecordComponents()) {
                        String problem = unsupportedType(component.asType(), enclosingRecords);
                        if (problem != null) {
                            return problem;
                        }
                    }
                    enclosingRecords.remove(name);
                    return null;
                }
                return name;
            }
            default -> {
                return type.toString();
            }
        }
    }

    private void checkHandoffs() {
        Set<String> known = knownAgents();
        for (Map.Entry<String, TypeElement> entry : agents.entrySet()) {
            for (Handoff handoff : entry.getValue().getAnnotation(Agent.class).handoffs()) {
                if (!agents.containsKey(handoff.to()) && !known.contains(handoff.to())) {
                    error(entry.getValue(), AgentRules.unknownHandoff(entry.getKey(), handoff.to()));
                }
            }
        }
    }

    private Set<String> knownAgents() {
        String option = processingEnv.getOptions().get(KNOWN_AGENTS_OPTION);
        if (option == null || option.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(option.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    private void writeAgentList() {
        try {
            FileObject file = processingEnv.getFiler()
                    .createResource(StandardLocation.CLASS_OUTPUT, "", AgentCatalog.AGENTS_RESOURCE);
            try (Writer writer = file.openWriter()) {
                for (TypeElement type : agents.values()) {
                    writer.write(processingEnv.getElementUtils().getBinaryName(type) + "\n");
                }
            }
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "Cannot write " + AgentCatalog.AGENTS_RESOURCE + ": " + e.getMessage());
        }
    }

    private void error(Element element, String message) {
        failed = true;
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, element);
    }
}
