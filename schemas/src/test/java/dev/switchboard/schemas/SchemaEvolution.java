package dev.switchboard.schemas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Checks that each {@code .avsc} file is backward compatible with its previous committed version:
 * a reader on the new schema must read every record written with the old one. Files under
 * {@code common/} are parsed first because the event schemas refer to them by name.
 */
final class SchemaEvolution {

    private final Path schemasDir;

    SchemaEvolution(Path schemasDir) {
        this.schemasDir = schemasDir;
    }

    /** The schema files in parse order: common types first, then the rest, each group sorted. */
    List<Path> files() throws IOException {
        try (Stream<Path> all = Files.walk(schemasDir)) {
            return all.filter(p -> p.toString().endsWith(".avsc")).sorted(parseOrder()).toList();
        }
    }

    /** The order in which schema files under this directory are parsed: common types first, then the rest. */
    Comparator<Path> parseOrder() {
        return (a, b) -> {
            int groupA = schemasDir.relativize(a).startsWith("common") ? 0 : 1;
            int groupB = schemasDir.relativize(b).startsWith("common") ? 0 : 1;
            return groupA != groupB ? Integer.compare(groupA, groupB) : commonOrder(a, b);
        };
    }

    /**
     * Parses a whole set of schema files (path under this directory to text), in {@link #parseOrder()}, and returns
     * the schema each file defines, by file. Each schema is complete: the named types it refers to are inlined.
     */
    Map<Path, Schema> parseAll(Map<Path, String> sources) {
        Schema.Parser parser = new Schema.Parser();
        Map<Path, Schema> parsed = new LinkedHashMap<>();
        sources.keySet().stream().sorted(parseOrder())
                .forEach(file -> parsed.put(file, parser.parse(sources.get(file))));
        return parsed;
    }

    /** Envelope refers to Principal and DelegationLink, so those come first; others are alphabetical. */
    private static int commonOrder(Path a, Path b) {
        List<String> first = List.of("Principal.avsc", "DelegationLink.avsc");
        int ia = first.indexOf(a.getFileName().toString());
        int ib = first.indexOf(b.getFileName().toString());
        if (ia >= 0 || ib >= 0) {
            return Integer.compare(ia < 0 ? Integer.MAX_VALUE : ia, ib < 0 ? Integer.MAX_VALUE : ib);
        }
        return a.compareTo(b);
    }

    /**
     * Parses {@code file} with the given text in the context of the current versions of all the other
     * common files, and returns the schema that file defines.
     */
    Schema parse(Path file, String text) throws IOException {
        Map<Path, String> sources = new LinkedHashMap<>();
        for (Path candidate : files()) {
            boolean common = schemasDir.relativize(candidate).startsWith("common");
            if (candidate.equals(file)) {
                sources.put(candidate, text);
            } else if (common) {
                sources.put(candidate, Files.readString(candidate));
            }
        }
        if (!sources.containsKey(file)) {
            sources.put(file, text);
        }
        Schema.Parser parser = new Schema.Parser();
        Schema result = null;
        for (Map.Entry<Path, String> source : sources.entrySet()) {
            Schema parsed = parser.parse(source.getValue());
            if (source.getKey().equals(file)) {
                result = parsed;
            }
        }
        return result;
    }

    /** Why {@code current} cannot read data written with {@code previous}, or empty when it can. */
    static Optional<String> incompatibility(Schema current, Schema previous) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>();
        result.getResult().getIncompatibilities().forEach(i ->
                reasons.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
        return Optional.of(String.join("; ", reasons));
    }

    /** The last committed text of {@code file} that differs from its current text, if git knows one. */
    static Optional<String> previousCommittedVersion(Path file) throws IOException, InterruptedException {
        Path dir = file.getParent();
        String current = Files.readString(file);
        String relative = git(dir, "ls-files", "--full-name", file.getFileName().toString()).strip();
        if (relative.isEmpty()) {
            return Optional.empty(); // a new, uncommitted schema has no previous version
        }
        for (String commit : git(dir, "log", "--format=%H", "--", file.getFileName().toString()).split("\n")) {
            if (commit.isBlank()) {
                continue;
            }
            String committed = git(dir, "show", commit.strip() + ":" + relative);
            if (!committed.equals(current)) {
                return Optional.of(committed);
            }
        }
        return Optional.empty();
    }

    static boolean insideGitWorkTree(Path dir) {
        try {
            return git(dir, "rev-parse", "--is-inside-work-tree").strip().equals("true");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed");
        }
        return out;
    }
}
