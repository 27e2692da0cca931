package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The build fails here when a schema change is not backward compatible with the previous committed
 * version of that schema. To make a breaking change, publish a new record under a new name instead.
 */
class SchemaCompatibilityTest {

    private final SchemaEvolution evolution = new SchemaEvolution(Path.of(System.getProperty("schemas.dir",
            "src/main/avro")));

    @Test
    void everySchemaIsBackwardCompatibleWithItsPreviousCommittedVersion() throws Exception {
        Path dir = Path.of(System.getProperty("schemas.dir", "src/main/avro"));
        assumeTrue(SchemaEvolution.insideGitWorkTree(dir), "not a git work tree: no previous versions to compare");
        List<String> problems = new ArrayList<>();
        for (Path file : evolution.files()) {
            Optional<String> previous = SchemaEvolution.previousCommittedVersion(file);
            if (previous.isEmpty()) {
                continue;
            }
            Schema current = evolution.parse(file, Files.readString(file));
            Schema old = evolution.parse(file, previous.get());
            SchemaEvolution.incompatibility(current, old)
                    .ifPresent(reason -> problems.add(dir.relativize(file) + ": " + reason));
        }
        assertThat(problems).as("schema changes that break readers of existing data").isEmpty();
    }

    @Test
    void aNewRequiredFieldIsReportedAsIncompatible() {
        Schema before = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"a","type":"string"}]}""");
        Schema after = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]}""");
        assertThat(SchemaEvolution.incompatibility(after, before))
                .hasValueSatisfying(reason -> assertThat(reason).contains("READER_FIELD_MISSING_DEFAULT").contains("b"));
    }

    @Test
    void aNewOptionalFieldWithADefaultIsCompatible() {
        Schema before = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"a","type":"string"}]}""");
        Schema after = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"a","type":"string"},
                 {"name":"b","type":["null","string"],"default":null}]}""");
        assertThat(SchemaEvolution.incompatibility(after, before)).isEmpty();
    }

    @Test
    void aChangedFieldTypeInTheRealEnvelopeIsReportedAsIncompatible() throws Exception {
        Path envelope = evolution.files().stream()
                .filter(p -> p.getFileName().toString().equals("Envelope.avsc")).findFirst().orElseThrow();
        String text = Files.readString(envelope);
        String broken = text.replace("{\"name\": \"schemaVersion\", \"type\": \"int\", \"default\": 1}",
                "{\"name\": \"schemaVersion\", \"type\": \"string\", \"default\": \"1\"}");
        assertThat(broken).isNotEqualTo(text);
        Schema current = evolution.parse(envelope, text);
        Schema changed = evolution.parse(envelope, broken);
        assertThat(SchemaEvolution.incompatibility(changed, current)).isPresent();
    }
}
