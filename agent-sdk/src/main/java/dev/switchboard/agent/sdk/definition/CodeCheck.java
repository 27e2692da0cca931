package dev.switchboard.agent.sdk.definition;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks the bytecode of hosted agents and of every other class of their module against {@link CodeRules}, so
 * that the rules hold even when a team's build skipped the annotation processor. Reads class files with ASM
 * only: it never loads or initializes a class it checks. JDK types are loaded (without initialization) from the
 * platform to follow their supertypes, so that {@code new ArrayList<>().parallelStream()} is seen as
 * {@code Collection.parallelStream}.
 *
 * <p>A class under the roots ("own") may be used freely, except a class of another agent. Beyond single uses it
 * refuses classes placed in the SDK's packages, native methods, a tool that calls another tool (directly or
 * through own helpers and lambdas), a tool with side effects but no scope, and mutable static fields: a static
 * field must be final and of a primitive, {@link CodeRules#IMMUTABLE_TYPES immutable}, enum or record type, or
 * of a {@link CodeRules#IMMUTABLE_COLLECTION_TYPES collection type} assigned straight from
 * {@code List/Set/Map.of}, {@code copyOf} or {@code ofEntries} (a value that reaches the assignment on two paths
 * is refused; wrap it in {@code copyOf}).
 */
public final class CodeCheck {

    /** The heading of {@link #requireClean}'s exception. */
    static final String HEADING = "Agent code breaks the runtime's rules:";

    /** How many findings {@link #requireClean}'s message lists before it counts the rest. */
    static final int MAX_LISTED = 50;

    private static final String TOOL = "Ldev/switchboard/agent/sdk/Tool;";

    /** Bootstrap methods javac emits for lambdas, string concatenation, records and switches. */
    private static final Set<String> ALLOWED_BOOTSTRAPS = Set.of("java/lang/invoke/LambdaMetafactory",
            "java/lang/invoke/StringConcatFactory", "java/lang/runtime/ObjectMethods",
            "java/lang/runtime/SwitchBootstraps");

    private static final Set<String> FACTORY_OWNERS = Set.of("java/util/List", "java/util/Set", "java/util/Map");

    /**
     * One refused use: where it is and what it breaks. {@code method} is the method's name and descriptor, or
     * null for a class or field; either {@code breach} (a use {@link CodeRules} refuses) or {@code text} (a
     * rule about tools) is set.
     */
    public record Finding(String className, String method, CodeRules.Breach breach, String text) {

        public Finding {
            if (className == null) {
                throw new IllegalArgumentException("className is required");
            }
            if ((breach == null) == (text == null)) {
                throw new IllegalArgumentException("exactly one of breach and text is set");
            }
        }

        /** A finding of a use {@link CodeRules} refuses. */
        public Finding(String className, String method, CodeRules.Breach breach) {
            this(className, method, breach, null);
        }

        /**
         * One line, for example {@code "dev.example.Escape.leak(String): uses java.lang.System.exit: agent code
         * must not ..."}; a class-level finding starts with the class name alone.
         */
        public String message() {
            String where = method == null ? className : className + "." + readable(method);
            return where + ": " + (breach != null ? breach.message() : text);
        }

        private static String readable(String method) {
            int paren = method.indexOf('(');
            if (paren < 0) {
                return method;
            }
            String params = Arrays.stream(Type.getArgumentTypes(method.substring(paren)))
                    .map(type -> {
                        String name = type.getClassName();
                        return name.substring(name.lastIndexOf('.') + 1).replace('$', '.');
                    })
                    .collect(Collectors.joining(", "));
            return method.substring(0, paren) + "(" + params + ")";
        }
    }

    private CodeCheck() {
    }

    /**
     * Checks the classes under each root (a directory of .class files or a .jar).
     *
     * @param agentClassNames the binary names of the {@code @Agent} classes hosted from these roots
     * @return every finding, ordered by class name
     */
    public static List<Finding> check(List<Path> roots, Set<String> agentClassNames) throws IOException {
        List<byte[]> classFiles = new ArrayList<>();
        for (Path root : roots) {
            read(root, classFiles);
        }
        return new Checker(classFiles, agentClassNames).run();
    }

    /**
     * Throws {@link AgentDefinitionException} when {@link #check} finds anything. Its message is
     * {@link #HEADING} followed by one finding a line (at most {@value #MAX_LISTED}, then "... and N more");
     * its {@link AgentDefinitionException#problems()} are all the findings' messages.
     */
    public static void requireClean(List<Path> roots, Set<String> agentClassNames) throws IOException {
        List<Finding> findings = check(roots, agentClassNames);
        if (!findings.isEmpty()) {
            throw new CodeCheckException(findings.stream().map(Finding::message).toList());
        }
    }

    /** An {@link AgentDefinitionException} whose message lists the findings one a line. */
    private static final class CodeCheckException extends AgentDefinitionException {

        private static final long serialVersionUID = 1L;

        private final String message;

        CodeCheckException(List<String> problems) {
            super(problems);
            StringBuilder text = new StringBuilder(HEADING);
            problems.stream().limit(MAX_LISTED).forEach(problem -> text.append("\n  ").append(problem));
            if (problems.size() > MAX_LISTED) {
                text.append("\n  ... and ").append(problems.size() - MAX_LISTED).append(" more");
            }
            this.message = text.toString();
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    private static void read(Path root, List<byte[]> classFiles) throws IOException {
        if (Files.isDirectory(root)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(file -> file.getFileName().toString().endsWith(".class"))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .toList();
            }
            for (Path file : files) {
                classFiles.add(Files.readAllBytes(file));
            }
        } else if (Files.isRegularFile(root)) {
            try (JarFile jar = new JarFile(root.toFile(), false)) {
                List<JarEntry> entries = jar.stream()
                        .filter(entry -> !entry.isDirectory() && entry.getName().endsWith(".class"))
                        .sorted((a, b) -> a.getName().compareTo(b.getName()))
                        .toList();
                for (JarEntry entry : entries) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        classFiles.add(in.readAllBytes());
                    }
                }
            }
        } else {
            throw new IOException("No classes at " + root);
        }
    }

    /** A {@code @Tool} annotation's values. */
    private static final class ToolInfo {
        String name = "";
        String scope = "";
        boolean sideEffects;
    }

    /** What the first pass learns about a method. */
    private record MethodInfo(String name, String descriptor, int access, ToolInfo tool) {

        String key() {
            return name + descriptor;
        }

        String toolName() {
            return tool.name.isEmpty() ? name : tool.name;
        }
    }

    private record FieldInfo(String name, String descriptor, int access) {
    }

    /** What the first pass learns about an own class. */
    private static final class ClassInfo {
        final String name;
        final String superName;
        final String[] interfaces;
        final int access;
        final Map<String, MethodInfo> methods = new LinkedHashMap<>();
        final List<FieldInfo> fields = new ArrayList<>();
        final Set<String> memberNames = new HashSet<>();
        /** Calls and method references of each method, by the method's name and descriptor. */
        final Map<String, List<Handle>> calls = new HashMap<>();
        final byte[] bytes;

        ClassInfo(ClassReader reader, byte[] bytes) {
            this.name = reader.getClassName();
            this.superName = reader.getSuperName();
            this.interfaces = reader.getInterfaces();
            this.access = reader.getAccess();
            this.bytes = bytes;
        }

        String binaryName() {
            return name.replace('/', '.');
        }
    }

    private static final class Checker {

        private final List<byte[]> classFiles;
        private final Set<String> agentClassNames;
        private final Map<String, ClassInfo> classes = new LinkedHashMap<>();
        private final Map<String, Optional<CodeRules.Breach>> externalCache = new HashMap<>();
        private final Map<String, Optional<Class<?>>> jdkCache = new HashMap<>();
        private final Map<Class<?>, Set<String>> declaredCache = new HashMap<>();
        private final Map<String, Set<Finding>> findings = new TreeMap<>();

        Checker(List<byte[]> classFiles, Set<String> agentClassNames) {
            this.classFiles = classFiles;
            this.agentClassNames = agentClassNames;
        }

        List<Finding> run() throws IOException {
            List<ClassInfo> all = new ArrayList<>();
            for (byte[] bytes : classFiles) {
                ClassReader reader;
                try {
                    reader = new ClassReader(bytes);
                } catch (RuntimeException e) {
                    throw new IOException("Cannot read a class file: " + e, e);
                }
                if ((reader.getAccess() & Opcodes.ACC_MODULE) != 0) {
                    continue;
                }
                ClassInfo info = new ClassInfo(reader, bytes);
                try {
                    reader.accept(new Declarations(info), ClassReader.SKIP_CODE);
                } catch (RuntimeException e) {
                    throw new IOException("Cannot read class file of " + info.binaryName() + ": " + e, e);
                }
                classes.putIfAbsent(info.name, info);
                all.add(info);
            }
            for (ClassInfo info : all) {
                try {
                    new ClassReader(info.bytes).accept(new Code(info), 0);
                } catch (RuntimeException e) {
                    throw new IOException("Cannot read class file of " + info.binaryName() + ": " + e, e);
                }
            }
            for (ClassInfo info : all) {
                checkToolCalls(info);
            }
            return findings.values().stream().flatMap(Collection::stream).toList();
        }

        private void add(ClassInfo info, String method, CodeRules.Breach breach) {
            findings.computeIfAbsent(info.binaryName(), k -> new LinkedHashSet<>())
                    .add(new Finding(info.binaryName(), method, breach));
        }

        private void add(ClassInfo info, String method, String text) {
            findings.computeIfAbsent(info.binaryName(), k -> new LinkedHashSet<>())
                    .add(new Finding(info.binaryName(), method, null, text));
        }

        // ---- uses of other types ----

        /** A use of {@code owner} (an internal name or array descriptor) and its {@code member}, or null for the type. */
        private void use(ClassInfo from, String method, String owner, String member) {
            if (owner.startsWith("[")) {
                if (member != null) {
                    return; // clone() of an array
                }
                Type element = Type.getType(owner).getElementType();
                if (element.getSort() != Type.OBJECT) {
                    return;
                }
                owner = element.getInternalName();
            }
            String binary = owner.replace('/', '.');
            String ownerAgent = agentOf(binary);
            if (ownerAgent != null && !ownerAgent.equals(agentOf(from.binaryName()))) {
                add(from, method, CodeRules.otherAgent(binary, member));
                return;
            }
            Optional<CodeRules.Breach> breach = classes.containsKey(owner)
                    ? inheritedByOwn(owner, member, new HashSet<>())
                    : external(binary, member);
            breach.ifPresent(b -> add(from, method, b));
        }

        private void useType(ClassInfo from, String method, Type type) {
            if (type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY) {
                use(from, method, type.getInternalName(), null);
            }
        }

        private void useHandle(ClassInfo from, String method, Handle handle) {
            use(from, method, handle.getOwner(), handle.getName());
        }

        private String agentOf(String binaryName) {
            String agent = null;
            for (String name : agentClassNames) {
                if ((binaryName.equals(name) || binaryName.startsWith(name + "$"))
                        && (agent == null || name.length() > agent.length())) {
                    agent = name;
                }
            }
            return agent;
        }

        /**
         * A member an own class does not declare comes from its supertypes: an own class that extends
         * {@code ArrayList} and calls {@code parallelStream()} calls {@code Collection.parallelStream}.
         */
        private Optional<CodeRules.Breach> inheritedByOwn(String owner, String member, Set<String> seen) {
            if (member == null || member.startsWith("<") || !seen.add(owner)) {
                return Optional.empty();
            }
            ClassInfo info = classes.get(owner);
            if (info == null) {
                return external(owner.replace('/', '.'), member);
            }
            if (info.memberNames.contains(member)) {
                return Optional.empty();
            }
            List<String> supers = new ArrayList<>();
            if (info.superName != null) {
                supers.add(info.superName);
            }
            supers.addAll(Arrays.asList(info.interfaces));
            for (String superName : supers) {
                Optional<CodeRules.Breach> breach = inheritedByOwn(superName, member, seen);
                if (breach.isPresent()) {
                    return breach;
                }
            }
            return Optional.empty();
        }

        /** The breach of a use of a type that is not under the roots, following a JDK type's supertypes. */
        private Optional<CodeRules.Breach> external(String owner, String member) {
            String key = owner + "#" + member;
            Optional<CodeRules.Breach> cached = externalCache.get(key);
            if (cached == null) {
                cached = CodeRules.check(owner, member);
                if (cached.isEmpty()) {
                    cached = jdkClass(owner).flatMap(type -> inherited(type, member));
                }
                externalCache.put(key, cached);
            }
            return cached;
        }

        /**
         * Asks the rules about the JDK type's supertypes: a type-only use or a constructor of a class is refused
         * with its superclasses (a subclass of Thread); a member is refused where a supertype declares it
         * ({@code ArrayList.parallelStream} is {@code Collection.parallelStream}). A supertype refused only for its
         * whole package ({@code Class} implements {@code java.lang.reflect.Type}) does not refuse what the type
         * itself allows.
         */
        private Optional<CodeRules.Breach> inherited(Class<?> type, String member) {
            List<Class<?>> supers = new ArrayList<>();
            if (member == null || member.equals("<init>")) {
                if (type.isInterface()) {
                    supers.addAll(allInterfaces(type));
                } else {
                    for (Class<?> s = type.getSuperclass(); s != null; s = s.getSuperclass()) {
                        supers.add(s);
                    }
                }
            } else {
                for (Class<?> s = type.getSuperclass(); s != null; s = s.getSuperclass()) {
                    supers.add(s);
                }
                supers.addAll(allInterfaces(type));
            }
            for (Class<?> s : supers) {
                if (refusedAsPackage(s)) {
                    continue;
                }
                if (member != null && !member.equals("<init>") && !declared(s).contains(member)) {
                    continue;
                }
                Optional<CodeRules.Breach> breach = CodeRules.check(s.getName(), member);
                if (breach.isPresent()) {
                    return breach;
                }
            }
            return Optional.empty();
        }

        private static Set<Class<?>> allInterfaces(Class<?> type) {
            Set<Class<?>> result = new LinkedHashSet<>();
            Deque<Class<?>> todo = new ArrayDeque<>();
            for (Class<?> s = type; s != null; s = s.getSuperclass()) {
                todo.addAll(Arrays.asList(s.getInterfaces()));
            }
            while (!todo.isEmpty()) {
                Class<?> next = todo.removeFirst();
                if (result.add(next)) {
                    todo.addAll(Arrays.asList(next.getInterfaces()));
                }
            }
            result.remove(type);
            return result;
        }

        private static boolean refusedAsPackage(Class<?> type) {
            return CodeRules.check(type.getPackageName() + ".-", null).isPresent();
        }

        private Set<String> declared(Class<?> type) {
            return declaredCache.computeIfAbsent(type, t -> {
                Set<String> names = new HashSet<>();
                try {
                    Arrays.stream(t.getDeclaredMethods()).forEach(m -> names.add(m.getName()));
                    Arrays.stream(t.getDeclaredFields()).forEach(f -> names.add(f.getName()));
                } catch (LinkageError | SecurityException e) {
                    // a JDK type whose members cannot be listed here: rely on the direct rule only
                }
                return names;
            });
        }

        /** A JDK type by binary name, loaded without initialization; never a type under the roots. */
        private Optional<Class<?>> jdkClass(String binaryName) {
            return jdkCache.computeIfAbsent(binaryName, name -> {
                if (classes.containsKey(name.replace('.', '/'))) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Class.forName(name, false, ClassLoader.getPlatformClassLoader()));
                } catch (ClassNotFoundException | LinkageError e) {
                    if (name.startsWith("java.")) {
                        try {
                            return Optional.of(Class.forName(name, false, ClassLoader.getSystemClassLoader()));
                        } catch (ClassNotFoundException | LinkageError again) {
                            return Optional.empty();
                        }
                    }
                    return Optional.empty();
                }
            });
        }

        // ---- static fields ----

        private boolean immutableType(String descriptor) {
            Type type = Type.getType(descriptor);
            if (type.getSort() != Type.OBJECT) {
                return type.getSort() != Type.ARRAY;
            }
            String binary = type.getClassName();
            if (CodeRules.IMMUTABLE_TYPES.contains(binary)) {
                return true;
            }
            ClassInfo own = classes.get(type.getInternalName());
            if (own != null) {
                return "java/lang/Enum".equals(own.superName) || "java/lang/Record".equals(own.superName);
            }
            return jdkClass(binary).map(c -> c.isEnum() || c.isRecord()).orElse(false);
        }

        private void checkStaticFields(ClassInfo info, Map<String, Boolean> assignedFromFactory) {
            for (FieldInfo field : info.fields) {
                if ((field.access() & Opcodes.ACC_STATIC) == 0
                        || (field.access() & (Opcodes.ACC_SYNTHETIC | Opcodes.ACC_ENUM)) != 0) {
                    continue;
                }
                boolean ok = (field.access() & Opcodes.ACC_FINAL) != 0;
                if (ok && !immutableType(field.descriptor())) {
                    Type type = Type.getType(field.descriptor());
                    ok = type.getSort() == Type.OBJECT
                            && CodeRules.IMMUTABLE_COLLECTION_TYPES.contains(type.getClassName())
                            && Boolean.TRUE.equals(assignedFromFactory.get(field.name()));
                }
                if (!ok) {
                    add(info, null, CodeRules.mutableStatic(info.binaryName(), field.name()));
                }
            }
        }

        // ---- tools calling tools ----

        private MethodInfo resolveOwn(String owner, String key, Set<String> seen) {
            ClassInfo info = classes.get(owner);
            if (info == null || !seen.add(owner)) {
                return null;
            }
            MethodInfo method = info.methods.get(key);
            if (method != null) {
                return method;
            }
            List<String> supers = new ArrayList<>();
            if (info.superName != null) {
                supers.add(info.superName);
            }
            supers.addAll(Arrays.asList(info.interfaces));
            for (String superName : supers) {
                MethodInfo found = resolveOwn(superName, key, seen);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }

        /** The class that declares a resolved method. */
        private String declaringClass(String owner, MethodInfo method, Set<String> seen) {
            ClassInfo info = classes.get(owner);
            if (info == null || !seen.add(owner)) {
                return null;
            }
            if (info.methods.get(method.key()) == method) {
                return owner;
            }
            List<String> supers = new ArrayList<>();
            if (info.superName != null) {
                supers.add(info.superName);
            }
            supers.addAll(Arrays.asList(info.interfaces));
            for (String superName : supers) {
                String found = declaringClass(superName, method, seen);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }

        /**
         * A tool runs only when the model calls it: a tool that reaches another tool, directly or through own
         * helpers and lambdas, is reported with the first tools it reaches.
         */
        private void checkToolCalls(ClassInfo info) {
            if (classes.get(info.name) != info) {
                return;
            }
            for (MethodInfo tool : info.methods.values()) {
                if (tool.tool() == null) {
                    continue;
                }
                Set<String> visited = new HashSet<>();
                visited.add(info.name + "." + tool.key());
                Deque<String[]> todo = new ArrayDeque<>();
                todo.add(new String[] {info.name, tool.key()});
                while (!todo.isEmpty()) {
                    String[] current = todo.removeFirst();
                    ClassInfo owner = classes.get(current[0]);
                    for (Handle call : owner.calls.getOrDefault(current[1], List.of())) {
                        String key = call.getName() + call.getDesc();
                        MethodInfo target = resolveOwn(call.getOwner(), key, new HashSet<>());
                        if (target == null) {
                            continue;
                        }
                        String declaring = declaringClass(call.getOwner(), target, new HashSet<>());
                        if (!visited.add(declaring + "." + key)) {
                            continue;
                        }
                        if (target.tool() != null) {
                            add(info, tool.key(), "tool '" + tool.toolName() + "' calls tool '" + target.toolName()
                                    + "': a tool runs only when the model calls it, with its own scope check");
                        } else {
                            todo.add(new String[] {declaring, key});
                        }
                    }
                }
            }
        }

        // ---- the two passes ----

        /** First pass: the class's members and tool annotations. */
        private final class Declarations extends ClassVisitor {

            private final ClassInfo info;

            Declarations(ClassInfo info) {
                super(Opcodes.ASM9);
                this.info = info;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                    Object value) {
                info.fields.add(new FieldInfo(name, descriptor, access));
                info.memberNames.add(name);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                info.memberNames.add(name);
                String key = name + descriptor;
                info.methods.put(key, new MethodInfo(name, descriptor, access, null));
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        if (!TOOL.equals(annotation)) {
                            return null;
                        }
                        ToolInfo tool = new ToolInfo();
                        info.methods.put(key, new MethodInfo(name, descriptor, access, tool));
                        return new AnnotationVisitor(Opcodes.ASM9) {
                            @Override
                            public void visit(String element, Object value) {
                                switch (element) {
                                    case "name" -> tool.name = (String) value;
                                    case "scope" -> tool.scope = (String) value;
                                    case "sideEffects" -> tool.sideEffects = (Boolean) value;
                                    default -> {
                                    }
                                }
                            }
                        };
                    }
                };
            }
        }

        /** Second pass: every use in the class's code, its static fields and native methods. */
        private final class Code extends ClassVisitor {

            private final ClassInfo info;
            private final Map<String, Boolean> assignedFromFactory = new HashMap<>();
            /** Whether every jump target has a stack map frame (class files of Java 7 and later). */
            private boolean framesAtTargets;

            Code(ClassInfo info) {
                super(Opcodes.ASM9);
                this.info = info;
            }

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                framesAtTargets = (version & 0xFFFF) >= Opcodes.V1_7;
                String binary = info.binaryName();
                if (binary.startsWith(CodeRules.SDK_PACKAGE + ".")) {
                    add(info, null, new CodeRules.Breach(binary, null, CodeRules.Reason.RUNTIME_INTERNALS));
                }
                if (superName != null) {
                    use(info, null, superName, null);
                }
                for (String type : interfaces) {
                    use(info, null, type, null);
                }
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                String key = name + descriptor;
                if ((access & Opcodes.ACC_NATIVE) != 0) {
                    add(info, key, new CodeRules.Breach(info.binaryName(), name, CodeRules.Reason.PROCESSES));
                }
                MethodInfo method = info.methods.get(key);
                if (classes.get(info.name) == info && method != null && method.tool() != null
                        && method.tool().sideEffects && method.tool().scope.isEmpty()) {
                    add(info, key, "tool '" + method.toolName() + "' has side effects but no scope");
                }
                List<Handle> calls = info.calls.computeIfAbsent(key, k -> new ArrayList<>());
                boolean staticInit = name.equals("<clinit>");
                return new MethodVisitor(Opcodes.ASM9) {

                    /** Whether the last instruction (casts aside) was List/Set/Map.of, copyOf or ofEntries. */
                    private boolean afterFactory;

                    private void instruction() {
                        afterFactory = false;
                    }

                    @Override
                    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
                        instruction(); // a jump target: another path reaches the next instruction
                    }

                    @Override
                    public void visitLabel(Label label) {
                        if (!framesAtTargets) {
                            instruction(); // without frames any label may be a jump target
                        }
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        instruction();
                    }

                    @Override
                    public void visitIntInsn(int opcode, int operand) {
                        instruction();
                    }

                    @Override
                    public void visitVarInsn(int opcode, int varIndex) {
                        instruction();
                    }

                    @Override
                    public void visitJumpInsn(int opcode, Label label) {
                        instruction();
                    }

                    @Override
                    public void visitIincInsn(int varIndex, int increment) {
                        instruction();
                    }

                    @Override
                    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
                        instruction();
                    }

                    @Override
                    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                        instruction();
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        if (opcode == Opcodes.CHECKCAST) {
                            use(info, key, type, null);
                            return; // a cast keeps the factory's value
                        }
                        instruction();
                        if (opcode != Opcodes.NEW) {
                            use(info, key, type, null); // NEW is reported with its constructor call
                        }
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String descriptor) {
                        if (staticInit && opcode == Opcodes.PUTSTATIC && owner.equals(info.name)) {
                            boolean fromFactory = afterFactory;
                            assignedFromFactory.merge(field, fromFactory, Boolean::logicalAnd);
                        }
                        instruction();
                        use(info, key, owner, field);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String descriptor,
                            boolean isInterface) {
                        instruction();
                        calls.add(new Handle(Opcodes.H_INVOKEVIRTUAL, owner, method, descriptor, isInterface));
                        use(info, key, owner, method);
                        afterFactory = opcode == Opcodes.INVOKESTATIC && FACTORY_OWNERS.contains(owner)
                                && CodeRules.IMMUTABLE_FACTORIES.contains(method);
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String method, String descriptor, Handle bootstrap,
                            Object... arguments) {
                        instruction();
                        bootstrap(bootstrap, arguments);
                    }

                    private void bootstrap(Handle bootstrap, Object[] arguments) {
                        if (!ALLOWED_BOOTSTRAPS.contains(bootstrap.getOwner())) {
                            add(info, key, new CodeRules.Breach(bootstrap.getOwner().replace('/', '.'),
                                    bootstrap.getName(), CodeRules.Reason.REFLECTION));
                            return;
                        }
                        for (Object argument : arguments) {
                            constant(argument);
                        }
                    }

                    private void constant(Object value) {
                        if (value instanceof Type type) {
                            useType(info, key, type);
                        } else if (value instanceof Handle handle) {
                            calls.add(handle);
                            useHandle(info, key, handle);
                        } else if (value instanceof ConstantDynamic constant) {
                            Object[] arguments = new Object[constant.getBootstrapMethodArgumentCount()];
                            for (int i = 0; i < arguments.length; i++) {
                                arguments[i] = constant.getBootstrapMethodArgument(i);
                            }
                            bootstrap(constant.getBootstrapMethod(), arguments);
                        }
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        instruction();
                        constant(value);
                    }

                    @Override
                    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
                        instruction();
                        use(info, key, descriptor, null);
                    }
                };
            }

            @Override
            public void visitEnd() {
                checkStaticFields(info, assignedFromFactory);
            }
        }
    }
}
