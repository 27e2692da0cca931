package dev.switchboard.agent.sdk.processor;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.definition.AgentRules;
import dev.switchboard.agent.sdk.definition.CodeRules;

import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the code inside an agent module against {@link CodeRules}: every call, constructor, field access,
 * method reference and type use of the module's code is resolved to the member it names, and a refused one
 * is reported as a compile error at that tree. Also refuses calls into another agent's classes, tools that
 * call tools, mutable static fields and native methods.
 *
 * <p>Code belongs to an agent when its class is annotated {@link Agent}, is nested in such a class or is in the
 * file of a top-level agent class; other classes of the module are helpers, reported as {@code Type '...'}.
 * Lambdas, local and anonymous classes belong to the method they are written in.
 */
final class CodeScanner extends TreePathScanner<Void, Void> {

    private static final Set<String> FACTORY_OWNERS = Set.of("java.util.List", "java.util.Set", "java.util.Map");

    /**
     * Where the scanner is: the agent whose code it reads (null in a helper), the named class for a helper's
     * messages, and the tool being read (null outside tools).
     */
    private record Context(TypeElement agent, TypeElement named, ExecutableElement tool, String toolName) {
    }

    private final Trees trees;
    private final Elements elements;
    private final Map<TypeElement, Optional<TypeElement>> agentOf = new HashMap<>();
    private final Set<JavaFileObject> scanned = new HashSet<>();
    private CompilationUnitTree unit;
    private Context context;
    private int errors;

    CodeScanner(Trees trees, Elements elements) {
        this.trees = trees;
        this.elements = elements;
    }

    /** Checks a compilation unit once; returns the number of errors reported (0 for a unit already checked). */
    int check(CompilationUnitTree compilationUnit) {
        if (!scanned.add(compilationUnit.getSourceFile())) {
            return 0;
        }
        int before = errors;
        unit = compilationUnit;
        context = new Context(null, null, null, null);
        scan(new TreePath(compilationUnit), null);
        return errors - before;
    }

    /** The tool's name as the model sees it. */
    static String toolName(ExecutableElement method, Tool tool) {
        return tool.name().isEmpty() ? method.getSimpleName().toString() : tool.name();
    }

    // ---- declarations

    @Override
    public Void visitCompilationUnit(CompilationUnitTree node, Void unused) {
        // The package clause and imports are not uses.
        return scan(node.getTypeDecls(), null);
    }

    @Override
    public Void visitImport(ImportTree node, Void unused) {
        return null;
    }

    @Override
    public Void visitAnnotation(AnnotationTree node, Void unused) {
        return null;
    }

    @Override
    public Void visitClass(ClassTree node, Void unused) {
        Element element = trees.getElement(getCurrentPath());
        if (!(element instanceof TypeElement type)) {
            return super.visitClass(node, null);
        }
        Context saved = context;
        boolean local = type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS;
        TypeElement named = local && saved.named() != null ? saved.named() : type;
        context = local
                ? new Context(saved.agent(), named, saved.tool(), saved.toolName())
                : new Context(agentOf(type), named, null, null);
        try {
            scan(node.getTypeParameters(), null);
            if (type.getNestingKind() != NestingKind.ANONYMOUS) {
                // An anonymous class's supertype is the type of its "new", checked there.
                scan(node.getExtendsClause(), null);
                scan(node.getImplementsClause(), null);
            }
            scan(node.getMembers(), null);
        } finally {
            context = saved;
        }
        return null;
    }

    @Override
    public Void visitMethod(MethodTree node, Void unused) {
        Element element = trees.getElement(getCurrentPath());
        Context saved = context;
        if (element instanceof ExecutableElement method) {
            Tool tool = method.getAnnotation(Tool.class);
            if (tool != null && context.agent() != null && method.getEnclosingElement().equals(context.agent())) {
                context = new Context(context.agent(), context.named(), method, toolName(method, tool));
            }
            if (method.getModifiers().contains(Modifier.NATIVE)) {
                report(node, "declares native method " + method.getSimpleName()
                        + ": agent code must not load native code");
            }
        }
        try {
            scan(node.getTypeParameters(), null);
            scan(node.getReturnType(), null);
            scan(node.getReceiverParameter(), null);
            scan(node.getParameters(), null);
            scan(node.getThrows(), null);
            scan(node.getBody(), null);
            scan(node.getDefaultValue(), null);
        } finally {
            context = saved;
        }
        return null;
    }

    @Override
    public Void visitVariable(VariableTree node, Void unused) {
        Element element = trees.getElement(getCurrentPath());
        scan(node.getType(), null);
        scan(node.getInitializer(), null);
        if (element instanceof VariableElement field && field.getKind() == ElementKind.FIELD
                && field.getModifiers().contains(Modifier.STATIC) && !immutableStatic(field, node)) {
            TypeElement owner = (TypeElement) field.getEnclosingElement();
            report(node, CodeRules.mutableStatic(binaryName(owner), field.getSimpleName().toString()).message());
        }
        return null;
    }

    private boolean immutableStatic(VariableElement field, VariableTree node) {
        if (!field.getModifiers().contains(Modifier.FINAL)) {
            return false;
        }
        TypeMirror type = field.asType();
        if (immutable(type, new HashSet<>())) {
            return true;
        }
        return type.getKind() == TypeKind.DECLARED
                && CodeRules.IMMUTABLE_COLLECTION_TYPES.contains(binaryName((TypeElement) ((DeclaredType) type).asElement()))
                && immutableFactoryCall(node.getInitializer());
    }

    /** Primitives, the immutable types of the table, enums, and records whose components are such types. */
    private boolean immutable(TypeMirror type, Set<TypeElement> records) {
        if (type.getKind().isPrimitive()) {
            return true;
        }
        if (type.getKind() != TypeKind.DECLARED) {
            return false;
        }
        TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
        if (element.getKind() == ElementKind.ENUM || CodeRules.IMMUTABLE_TYPES.contains(binaryName(element))) {
            return true;
        }
        if (element.getKind() != ElementKind.RECORD) {
            return false;
        }
        if (!records.add(element)) {
            return true;
        }
        for (RecordComponentElement component : element.getRecordComponents()) {
            if (!immutable(component.asType(), records)) {
                return false;
            }
        }
        return true;
    }

    /** True for a direct call of List/Set/Map.of, copyOf or ofEntries. */
    private boolean immutableFactoryCall(ExpressionTree initializer) {
        ExpressionTree expression = initializer;
        while (expression instanceof ParenthesizedTree parenthesized) {
            expression = parenthesized.getExpression();
        }
        if (!(expression instanceof MethodInvocationTree)) {
            return false;
        }
        Element called = trees.getElement(new TreePath(getCurrentPath(), expression));
        return called instanceof ExecutableElement method
                && CodeRules.IMMUTABLE_FACTORIES.contains(method.getSimpleName().toString())
                && method.getEnclosingElement() instanceof TypeElement owner
                && FACTORY_OWNERS.contains(binaryName(owner));
    }

    // ---- uses

    @Override
    public Void visitIdentifier(IdentifierTree node, Void unused) {
        Element element = trees.getElement(getCurrentPath());
        if (element instanceof TypeElement type) {
            checkType(type, node);
        } else if (isMember(element) && !isThisOrSuper(element)) {
            checkMember(element, node, node);
        }
        return null;
    }

    @Override
    public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        Element element = trees.getElement(getCurrentPath());
        if (element == null) {
            return super.visitMemberSelect(node, null);
        }
        if (element.getKind() == ElementKind.PACKAGE) {
            return null;
        }
        if (element instanceof TypeElement type) {
            // A qualified type name: its qualifier is a package or an enclosing type.
            checkType(type, node);
            return null;
        }
        if (node.getIdentifier().contentEquals("class")) {
            Element literal = trees.getElement(new TreePath(getCurrentPath(), node.getExpression()));
            if (literal instanceof TypeElement type) {
                checkType(type, node);
            } else {
                scan(node.getExpression(), null);
            }
            return null;
        }
        scanQualifier(node.getExpression());
        if (isMember(element) && !isThisOrSuper(element)) {
            checkMember(element, node, node);
        }
        return null;
    }

    @Override
    public Void visitMemberReference(MemberReferenceTree node, Void unused) {
        Element element = trees.getElement(getCurrentPath());
        scanQualifier(node.getQualifierExpression());
        scan(node.getTypeArguments(), null);
        if (isMember(element)) {
            checkMember(element, node, node);
        }
        return null;
    }

    @Override
    public Void visitNewClass(NewClassTree node, Void unused) {
        Element constructor = trees.getElement(getCurrentPath());
        scan(node.getEnclosingExpression(), null);
        scan(node.getTypeArguments(), null);
        if (node.getClassBody() == null) {
            if (constructor instanceof ExecutableElement) {
                checkMember(constructor, node, node);
            }
            // The class named is the constructor's owner, checked above; only its type arguments remain.
            if (node.getIdentifier() instanceof ParameterizedTypeTree parameterized) {
                scanAll(new TreePath(getCurrentPath(), parameterized), parameterized.getTypeArguments());
            }
        } else {
            scan(node.getIdentifier(), null);
        }
        scan(node.getArguments(), null);
        scan(node.getClassBody(), null);
        return null;
    }

    private void scanAll(TreePath parent, Iterable<? extends Tree> trees) {
        for (Tree tree : trees) {
            scan(new TreePath(parent, tree), null);
        }
    }

    /** Scans the expression before {@code .member} or {@code ::}, unless it only names a type or package. */
    private void scanQualifier(ExpressionTree qualifier) {
        Element element = trees.getElement(new TreePath(getCurrentPath(), qualifier));
        if (element instanceof TypeElement || (element != null && element.getKind() == ElementKind.PACKAGE)) {
            if (qualifier instanceof ParameterizedTypeTree parameterized) {
                scanAll(new TreePath(getCurrentPath(), parameterized), parameterized.getTypeArguments());
            }
            return;
        }
        scan(qualifier, null);
    }

    private static boolean isMember(Element element) {
        if (element == null) {
            return false;
        }
        return switch (element.getKind()) {
            case METHOD, CONSTRUCTOR, FIELD, ENUM_CONSTANT -> element.getEnclosingElement() instanceof TypeElement;
            default -> false;
        };
    }

    private static boolean isThisOrSuper(Element element) {
        return element.getKind() == ElementKind.FIELD
                && (element.getSimpleName().contentEquals("this") || element.getSimpleName().contentEquals("super"));
    }

    private void checkType(TypeElement type, Tree tree) {
        if (type.asType().getKind() == TypeKind.ERROR) {
            return;
        }
        check(type, null, tree);
    }

    private void checkMember(Element member, Tree tree, Tree toolCallTree) {
        TypeElement owner = (TypeElement) member.getEnclosingElement();
        String name = member.getKind() == ElementKind.CONSTRUCTOR ? "<init>" : member.getSimpleName().toString();
        check(owner, name, tree);
        if (context.tool() != null && member instanceof ExecutableElement method && !method.equals(context.tool())) {
            Tool tool = method.getAnnotation(Tool.class);
            if (tool != null) {
                reportPlain(toolCallTree, AgentRules.toolCallsTool(context.agent().getAnnotation(Agent.class).id(),
                        context.toolName(), toolName(method, tool)));
            }
        }
    }

    private void check(TypeElement owner, String member, Tree tree) {
        TypeElement ownerAgent = agentOf(owner);
        if (ownerAgent != null && !ownerAgent.equals(context.agent())) {
            report(tree, CodeRules.otherAgent(binaryName(owner), member).message());
            return;
        }
        if (isOwn(owner)) {
            return;
        }
        CodeRules.check(binaryName(owner), member).ifPresent(breach -> report(tree, breach.message()));
    }

    // ---- who owns a type

    /** True when the type's source is in this compilation (the module's own code). */
    private boolean isOwn(TypeElement type) {
        return trees.getPath(topLevel(type)) != null;
    }

    /**
     * The agent a type belongs to: the nearest enclosing class annotated {@link Agent}, else the top-level
     * agent class of the type's file; null for a helper and for the types of libraries.
     */
    private TypeElement agentOf(TypeElement type) {
        return agentOf.computeIfAbsent(type, t -> Optional.ofNullable(findAgent(t))).orElse(null);
    }

    private TypeElement findAgent(TypeElement type) {
        for (Element e = type; e != null && e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
            if ((e.getKind().isClass() || e.getKind().isInterface()) && e.getAnnotation(Agent.class) != null) {
                return (TypeElement) e;
            }
        }
        TreePath path = trees.getPath(topLevel(type));
        if (path == null) {
            return null;
        }
        for (Tree declaration : path.getCompilationUnit().getTypeDecls()) {
            Element top = trees.getElement(new TreePath(new TreePath(path.getCompilationUnit()), declaration));
            if (top instanceof TypeElement topType && top.getAnnotation(Agent.class) != null) {
                return topType;
            }
        }
        return null;
    }

    private static TypeElement topLevel(TypeElement type) {
        TypeElement top = type;
        for (Element e = type; e != null && e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
            if (e instanceof TypeElement t) {
                top = t;
            }
        }
        return top;
    }

    private String binaryName(TypeElement type) {
        return elements.getBinaryName(type).toString();
    }

    // ---- reporting

    /** Reports {@code text} prefixed with who wrote the code: {@code Agent 'id'} or {@code Type 'name'}. */
    private void report(Tree tree, String text) {
        String who = context.agent() != null
                ? "Agent '" + context.agent().getAnnotation(Agent.class).id() + "' "
                : "Type '" + (context.named() == null ? "?" : binaryName(context.named())) + "' ";
        reportPlain(tree, who + text);
    }

    private void reportPlain(Tree tree, String message) {
        if (trees.getSourcePositions().getStartPosition(unit, tree) < 0) {
            return; // a tree the compiler made up, such as the type of a "var"
        }
        errors++;
        trees.printMessage(Diagnostic.Kind.ERROR, message, tree, unit);
    }
}
