package dev.switchboard.schemas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import dev.switchboard.schemas.serde.EventTypes;

/**
 * The recorded schema history ({@code src/main/resources/dev/switchboard/schemas/history}, read at run time by
 * {@link EventTypes}) and its reconstruction from git: every commit that touched {@code src/main/avro}, oldest first,
 * then the working tree, each parsed as a whole (common types first, as {@link SchemaEvolution} does), gives the full
 * schema of every type in {@link EventTypes#ALL}; one file per distinct fingerprint.
 */
final class SchemaHistory {

    static final String INDEX = "index.txt";

    private static final String HEADER = """
            # Every writer schema each event type has had, one file per fingerprint (CRC-64-AVRO),
            # oldest first within a type. Read by dev.switchboard.schemas.serde.EventTypes so that
            # records written before a schema change stay readable.
            # Generated, never edited by hand; after a schema change run:
            #   rm -rf schemas/target && ./mvnw -o -pl schemas test -Dtest=SchemaHistoryRecorder
            # and commit the new files. Versions are only ever added.
            """;

    private final Path schemasDir;
    private final Path historyDir;
    private final SchemaEvolution evolution;

    SchemaHistory(Path schemasDir, Path historyDir) {
        this.schemasDir = schemasDir.toAbsolutePath().normalize();
        this.historyDir = historyDir;
        this.evolution = new SchemaEvolution(this.schemasDir);
    }

    /** The module's own schemas and history, as the build passes them to the tests. */
    static SchemaHistory ofBuild() {
        return new SchemaHistory(Path.of(System.getProperty("schemas.dir", "src/main/avro")),
                Path.of(System.getProperty("schemas.history.dir",
                        "src/main/resources/dev/switchboard/schemas/history")));
    }

    Path schemasDir() {
        return schemasDir;
    }

    Path historyDir() {
        return historyDir;
    }

    /** The entries ({@code <TypeName>/<fingerprint-hex>.avsc}) the index lists, in its order. */
    List<String> entries() throws IOException {
        Path index = historyDir.resolve(INDEX);
        if (!Files.exists(index)) {
            return List.of();
        }
        return Files.readAllLines(index).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    /** The schema files under the history folder, as entries. */
    List<String> files() throws IOException {
        try (Stream<Path> all = Files.walk(historyDir)) {
            return all.filter(p -> p.toString().endsWith(".avsc"))
                    .map(p -> historyDir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    /**
     * Every version of every event type that git and the working tree hold, by entry, in order of first appearance:
     * the commits that touched the schemas oldest first, then the files as they are now.
     */
    Map<String, Schema> versions() throws IOException, InterruptedException {
        Map<String, Schema> versions = new LinkedHashMap<>();
        if (SchemaEvolution.insideGitWorkTree(schemasDir)) {
            String commits = SchemaEvolution.git(schemasDir, "log", "--reverse", "--format=%H", "--", ".");
            for (String commit : commits.split("\n")) {
                if (!commit.isBlank()) {
                    add(versions, committed(commit.strip()));
                }
            }
        }
        Map<Path, String> current = new LinkedHashMap<>();
        for (Path file : evolution.files()) {
            current.put(file, Files.readString(file));
        }
        add(versions, current);
        return versions;
    }

    /**
     * The {@link #versions()} that the current schema of their type can read. One it cannot read is left out of the
     * history: the current build could not read its records with or without it.
     */
    Map<String, Schema> readableVersions() throws IOException, InterruptedException {
        Map<String, Schema> readable = new LinkedHashMap<>(versions());
        readable.values().removeIf(schema -> SchemaEvolution
                .incompatibility(EventTypes.schemaOf(eventType(schema).orElseThrow()), schema).isPresent());
        return readable;
    }

    /** Writes the readable versions the history lacks and appends them to the index; returns the entries added. */
    List<String> record() throws IOException, InterruptedException {
        List<String> entries = new ArrayList<>(entries());
        List<String> added = new ArrayList<>();
        for (Map.Entry<String, Schema> version : readableVersions().entrySet()) {
            if (!entries.contains(version.getKey())) {
                Path file = historyDir.resolve(version.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, version.getValue().toString(true) + "\n");
                entries.add(version.getKey());
                added.add(version.getKey());
            }
        }
        // Grouped by type; a stable sort keeps each type's versions in the order they were recorded.
        entries.sort(Comparator.comparing(entry -> entry.substring(0, entry.indexOf('/'))));
        Files.createDirectories(historyDir);
        Files.writeString(historyDir.resolve(INDEX), HEADER + String.join("\n", entries) + "\n");
        return added;
    }

    /** The entry name of a version: {@code <TypeName>/<fingerprint-hex>.avsc}. */
    static String entry(Class<? extends SpecificRecord> type, Schema schema) {
        return type.getSimpleName() + "/" + EventTypes.hex(EventTypes.fingerprint(schema)) + ".avsc";
    }

    /** The schema files of the schemas folder as of a commit, by their path as it is in the working tree. */
    private Map<Path, String> committed(String commit) throws IOException, InterruptedException {
        Map<Path, String> sources = new LinkedHashMap<>();
        // Paths relative to the schemas folder: ls-tree and "<commit>:./<path>" both resolve against it.
        for (String file : SchemaEvolution.git(schemasDir, "ls-tree", "-r", "--name-only", commit).split("\n")) {
            if (file.endsWith(".avsc")) {
                sources.put(schemasDir.resolve(file), SchemaEvolution.git(schemasDir, "show", commit + ":./" + file));
            }
        }
        return sources;
    }

    private void add(Map<String, Schema> versions, Map<Path, String> sources) {
        for (Schema schema : evolution.parseAll(sources).values()) {
            eventType(schema).ifPresent(type -> versions.putIfAbsent(entry(type, schema), schema));
        }
    }

    private static Optional<Class<? extends SpecificRecord>> eventType(Schema schema) {
        return EventTypes.ALL.stream().filter(type -> type.getName().equals(schema.getFullName())).findFirst();
    }
}
