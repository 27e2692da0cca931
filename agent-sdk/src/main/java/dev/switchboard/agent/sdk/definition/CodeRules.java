package dev.switchboard.agent.sdk.definition;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What code inside an agent may not use, with the reason an author reads. One table for both checks: the
 * annotation processor reports a breach at the file, line and column of the call while the agent compiles,
 * and agent-service checks every hosted agent's bytecode with the same table before it starts, so a team
 * cannot switch the rules off in its own build.
 *
 * <p>Names are binary class names with dots ({@code java.net.Socket}, {@code java.util.Map$Entry}) and a
 * member name ({@code exit}, {@code <init>} for a constructor, a field name), or null for the type itself.
 * The checks skip the agent module's own types before they ask here (an agent uses its own records and
 * helpers freely), and refuse a use of another agent's class with {@link #otherAgent}.
 */
public final class CodeRules {

    /** Why a use is refused; the text completes "agent code must not ...". */
    public enum Reason {
        NETWORK("open network connections or resolve names: declare @Tool(egress = \"name\") and use context.http()"),
        FILES("read or write files"),
        PROCESSES("start processes, exit the JVM or load native code"),
        REFLECTION("use reflection, method handles or serialization internals"),
        CLASS_LOADING("load classes or read resources of other code"),
        THREADS("start threads, executors, timers or parallel streams: the runtime runs each tool call and ends it at the task's deadline"),
        ENVIRONMENT("read the environment or system properties: a tool gets what it declares (egress) from the runtime"),
        MODEL("call a model: the agent loop calls the model and charges the task's budget"),
        RUNTIME_INTERNALS("use the runtime's internals: only the types in package dev.switchboard.agent.sdk are for agents"),
        OTHER_AGENT("call into another agent's classes: hand off to it instead"),
        MUTABLE_STATIC("keep mutable static state: a static field must be final and hold an immutable value "
                + "(a primitive, String, enum, record, BigDecimal, BigInteger, java.time value, Pattern, or "
                + "List/Set/Map.of or copyOf); state for one task belongs in instance fields");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** The sentence after "agent code must not". */
        public String text() {
            return text;
        }
    }

    /** One refused use. */
    public record Breach(String owner, String member, Reason reason) {

        /** For example {@code "uses java.lang.System.exit: agent code must not start processes, ..."}. */
        public String message() {
            return "uses " + (member == null ? owner : owner + "." + member) + ": agent code must not " + reason.text();
        }
    }

    /** The package whose top-level types agents use; its sub-packages are the runtime's. */
    public static final String SDK_PACKAGE = "dev.switchboard.agent.sdk";

    private record PackageRule(String prefix, Reason reason, Set<String> allowedTypes) {
    }

    private record TypeRule(String type, Reason reason, Set<String> allowedMembers, Set<String> refusedMembers) {

        /** A type-only use is refused unless the rule names single refused members. */
        boolean refuses(String member) {
            if (!refusedMembers.isEmpty()) {
                return member != null && refusedMembers.contains(member);
            }
            return member == null || !allowedMembers.contains(member);
        }
    }

    /** Whole packages (and their sub-packages), with the types in them that stay allowed. */
    private static final List<PackageRule> PACKAGES = List.of(
            new PackageRule("java.net.http.", Reason.NETWORK, Set.of()),
            new PackageRule("java.net.", Reason.NETWORK, Set.of("java.net.URI", "java.net.URLEncoder",
                    "java.net.URLDecoder", "java.net.URISyntaxException")),
            new PackageRule("javax.net.", Reason.NETWORK, Set.of()),
            new PackageRule("java.rmi.", Reason.NETWORK, Set.of()),
            new PackageRule("javax.naming.", Reason.NETWORK, Set.of()),
            new PackageRule("java.sql.", Reason.NETWORK, Set.of()),
            new PackageRule("javax.sql.", Reason.NETWORK, Set.of()),
            new PackageRule("java.nio.file.", Reason.FILES, Set.of()),
            new PackageRule("java.nio.channels.", Reason.FILES, Set.of()),
            new PackageRule("java.lang.reflect.", Reason.REFLECTION, Set.of()),
            new PackageRule("java.lang.invoke.", Reason.REFLECTION, Set.of()),
            new PackageRule("java.beans.", Reason.REFLECTION, Set.of()),
            new PackageRule("java.lang.instrument.", Reason.CLASS_LOADING, Set.of()),
            new PackageRule("java.lang.management.", Reason.ENVIRONMENT, Set.of()),
            new PackageRule("javax.management.", Reason.ENVIRONMENT, Set.of()),
            new PackageRule("java.util.prefs.", Reason.FILES, Set.of()),
            new PackageRule("javax.script.", Reason.CLASS_LOADING, Set.of()),
            new PackageRule("javax.tools.", Reason.CLASS_LOADING, Set.of()),
            new PackageRule("sun.", Reason.REFLECTION, Set.of()),
            new PackageRule("com.sun.", Reason.REFLECTION, Set.of()),
            new PackageRule("jdk.", Reason.REFLECTION, Set.of()),
            new PackageRule(SDK_PACKAGE + ".model.", Reason.MODEL, Set.of()),
            new PackageRule(SDK_PACKAGE + ".", Reason.RUNTIME_INTERNALS, Set.of()),
            new PackageRule("dev.switchboard.", Reason.RUNTIME_INTERNALS, Set.of()));

    /**
     * Single types: either every member but {@code allowedMembers}, or only {@code refusedMembers}. A type may
     * have several rules: the first that refuses a use gives its reason, so a rule for single members comes
     * before the type's rule for the rest.
     */
    private static final List<TypeRule> TYPES = List.of(
            refuseOnly("java.lang.System", Reason.PROCESSES, "exit", "load", "loadLibrary"),
            refuseAllBut("java.lang.System", Reason.ENVIRONMENT, "currentTimeMillis", "nanoTime", "arraycopy",
                    "identityHashCode", "lineSeparator", "out", "err"),
            refuseAllBut("java.lang.Runtime", Reason.PROCESSES),
            refuseAllBut("java.lang.ProcessBuilder", Reason.PROCESSES),
            refuseAllBut("java.lang.ProcessBuilder$Redirect", Reason.PROCESSES),
            refuseAllBut("java.lang.Process", Reason.PROCESSES),
            refuseAllBut("java.lang.ProcessHandle", Reason.PROCESSES),
            refuseAllBut("java.lang.ClassLoader", Reason.CLASS_LOADING),
            refuseAllBut("java.lang.Module", Reason.CLASS_LOADING),
            refuseAllBut("java.lang.ModuleLayer", Reason.CLASS_LOADING),
            refuseAllBut("java.lang.StackWalker", Reason.REFLECTION),
            refuseAllBut("java.lang.SecurityManager", Reason.CLASS_LOADING),
            refuseAllBut("java.lang.Thread", Reason.THREADS, "sleep", "currentThread", "isInterrupted",
                    "interrupted", "interrupt", "onSpinWait", "yield", "getName"),
            refuseAllBut("java.lang.Thread$Builder", Reason.THREADS),
            refuseAllBut("java.lang.ThreadGroup", Reason.THREADS),
            refuseAllBut("java.util.Timer", Reason.THREADS),
            refuseAllBut("java.util.TimerTask", Reason.THREADS),
            refuseAllBut("java.util.ServiceLoader", Reason.CLASS_LOADING),
            refuseAllBut("java.util.concurrent.Executors", Reason.THREADS),
            refuseAllBut("java.util.concurrent.Executor", Reason.THREADS),
            refuseAllBut("java.util.concurrent.ExecutorService", Reason.THREADS),
            refuseAllBut("java.util.concurrent.ScheduledExecutorService", Reason.THREADS),
            refuseAllBut("java.util.concurrent.ThreadPoolExecutor", Reason.THREADS),
            refuseAllBut("java.util.concurrent.ScheduledThreadPoolExecutor", Reason.THREADS),
            refuseAllBut("java.util.concurrent.ForkJoinPool", Reason.THREADS),
            refuseAllBut("java.util.concurrent.ForkJoinTask", Reason.THREADS),
            refuseAllBut("java.util.concurrent.RecursiveTask", Reason.THREADS),
            refuseAllBut("java.util.concurrent.RecursiveAction", Reason.THREADS),
            refuseAllBut("java.util.concurrent.ThreadFactory", Reason.THREADS),
            refuseAllBut("java.util.concurrent.Flow", Reason.THREADS),
            refuseAllBut("java.util.concurrent.SubmissionPublisher", Reason.THREADS),
            refuseOnly("java.util.concurrent.CompletableFuture", Reason.THREADS, "runAsync", "supplyAsync",
                    "thenApplyAsync", "thenAcceptAsync", "thenRunAsync", "thenCombineAsync", "thenAcceptBothAsync",
                    "runAfterBothAsync", "applyToEitherAsync", "acceptEitherAsync", "runAfterEitherAsync",
                    "thenComposeAsync", "whenCompleteAsync", "handleAsync", "exceptionallyAsync",
                    "exceptionallyComposeAsync", "completeAsync", "orTimeout", "completeOnTimeout",
                    "delayedExecutor", "defaultExecutor"),
            refuseOnly("java.util.Collection", Reason.THREADS, "parallelStream"),
            refuseOnly("java.util.stream.BaseStream", Reason.THREADS, "parallel"),
            refuseOnly("java.util.stream.Stream", Reason.THREADS, "parallel"),
            refuseOnly("java.util.stream.IntStream", Reason.THREADS, "parallel"),
            refuseOnly("java.util.stream.LongStream", Reason.THREADS, "parallel"),
            refuseOnly("java.util.stream.DoubleStream", Reason.THREADS, "parallel"),
            refuseOnly("java.util.Arrays", Reason.THREADS, "parallelSort", "parallelPrefix", "parallelSetAll"),
            refuseOnly("java.lang.Class", Reason.REFLECTION, "forName", "newInstance", "getClassLoader",
                    "getDeclaredMethods", "getDeclaredMethod", "getDeclaredFields", "getDeclaredField",
                    "getDeclaredConstructors", "getDeclaredConstructor", "getMethods", "getMethod", "getFields",
                    "getField", "getConstructors", "getConstructor", "getRecordComponents", "getResource",
                    "getResourceAsStream", "getProtectionDomain", "getModule", "getEnclosingMethod",
                    "getDeclaredClasses", "getNestHost", "getNestMembers", "getPermittedSubclasses"),
            refuseAllBut("java.io.File", Reason.FILES),
            refuseAllBut("java.io.FileInputStream", Reason.FILES),
            refuseAllBut("java.io.FileOutputStream", Reason.FILES),
            refuseAllBut("java.io.FileReader", Reason.FILES),
            refuseAllBut("java.io.FileWriter", Reason.FILES),
            refuseAllBut("java.io.RandomAccessFile", Reason.FILES),
            refuseAllBut("java.io.FileDescriptor", Reason.FILES),
            refuseAllBut("java.io.ObjectInputStream", Reason.REFLECTION),
            refuseAllBut("java.io.ObjectOutputStream", Reason.REFLECTION),
            refuseAllBut("java.io.Console", Reason.FILES),
            refuseOnly("java.io.PrintWriter", Reason.FILES, "<init>"),
            refuseOnly("java.io.PrintStream", Reason.FILES, "<init>"),
            refuseOnly("java.util.Formatter", Reason.FILES, "<init>"),
            refuseAllBut("java.util.zip.ZipFile", Reason.FILES),
            refuseAllBut("java.util.jar.JarFile", Reason.FILES),
            refuseAllBut("java.util.logging.FileHandler", Reason.FILES),
            refuseAllBut("java.lang.ref.Cleaner", Reason.THREADS),
            refuseAllBut("java.security.AccessController", Reason.REFLECTION),
            refuseAllBut("java.security.Policy", Reason.REFLECTION));

    private CodeRules() {
    }

    /**
     * The breach a use of {@code owner.member} commits, if any.
     *
     * @param owner  the binary name of the type used, with dots
     * @param member the method, constructor ({@code <init>}) or field used, or null for the type itself
     *               (a declaration, cast, class literal or superclass)
     */
    public static Optional<Breach> check(String owner, String member) {
        boolean typeRuled = false;
        for (TypeRule rule : TYPES) {
            if (rule.type().equals(owner)) {
                if (rule.refuses(member)) {
                    return Optional.of(new Breach(owner, member, rule.reason()));
                }
                typeRuled = true;
            }
        }
        if (typeRuled) {
            return Optional.empty();
        }
        String packageName = packageOf(owner);
        if (packageName.equals(SDK_PACKAGE)) {
            return Optional.empty();
        }
        for (PackageRule rule : PACKAGES) {
            if ((packageName + ".").startsWith(rule.prefix()) && !rule.allowedTypes().contains(topLevel(owner))) {
                return Optional.of(new Breach(owner, member, rule.reason()));
            }
        }
        return Optional.empty();
    }

    /** A breach of {@link Reason#OTHER_AGENT}: {@code owner} belongs to another agent. */
    public static Breach otherAgent(String owner, String member) {
        return new Breach(owner, member, Reason.OTHER_AGENT);
    }

    /** A breach of {@link Reason#MUTABLE_STATIC} by the static field {@code field} of {@code owner}. */
    public static Breach mutableStatic(String owner, String field) {
        return new Breach(owner, field, Reason.MUTABLE_STATIC);
    }

    /** Types whose values cannot change, so a static final field may hold one. */
    public static final Set<String> IMMUTABLE_TYPES = Set.of("java.lang.String", "java.lang.Boolean",
            "java.lang.Byte", "java.lang.Short", "java.lang.Character", "java.lang.Integer", "java.lang.Long",
            "java.lang.Float", "java.lang.Double", "java.math.BigDecimal", "java.math.BigInteger",
            "java.time.Duration", "java.time.Instant", "java.time.LocalDate", "java.time.LocalTime",
            "java.time.LocalDateTime", "java.time.ZonedDateTime", "java.time.OffsetDateTime", "java.time.ZoneId",
            "java.time.ZoneOffset", "java.time.Period", "java.time.format.DateTimeFormatter",
            "java.util.regex.Pattern", "java.util.UUID", "java.util.Locale", "java.util.Currency",
            "java.net.URI");

    /** Collection types a static final field may have when its value comes from one of {@link #IMMUTABLE_FACTORIES}. */
    public static final Set<String> IMMUTABLE_COLLECTION_TYPES = Set.of("java.util.List", "java.util.Set",
            "java.util.Map", "java.util.Collection");

    /** The factory methods of List, Set and Map whose results cannot change. */
    public static final Set<String> IMMUTABLE_FACTORIES = Set.of("of", "copyOf", "ofEntries", "entry");

    private static String packageOf(String owner) {
        int dot = owner.lastIndexOf('.');
        return dot < 0 ? "" : owner.substring(0, dot);
    }

    private static String topLevel(String owner) {
        int dollar = owner.indexOf('$');
        return dollar < 0 ? owner : owner.substring(0, dollar);
    }

    private static TypeRule refuseAllBut(String type, Reason reason, String... allowedMembers) {
        return new TypeRule(type, reason, Set.of(allowedMembers), Set.of());
    }

    private static TypeRule refuseOnly(String type, Reason reason, String... refusedMembers) {
        return new TypeRule(type, reason, Set.of(), Set.of(refusedMembers));
    }
}
