package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import dev.switchboard.schemas.serde.EventTypes;

/**
 * Guards the schema history that keeps records written with earlier schemas readable (see {@link EventTypes}): a
 * schema change that does not record its version fails here, with the command that records it.
 */
class SchemaHistoryTest {

    private static final String HOW = "record it with "
            + "`rm -rf schemas/target && ./mvnw -o -pl schemas test -Dtest=SchemaHistoryRecorder` "
            + "and commit schemas/src/main/resources/dev/switchboard/schemas/history";

    private final SchemaHistory history = SchemaHistory.ofBuild();

    @Test
    void theCurrentSchemaOfEveryEventTypeIsInTheHistory() {
        List<String> missing = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : EventTypes.ALL) {
            long current = EventTypes.fingerprint(EventTypes.schemaOf(type));
            if (EventTypes.history(type).stream().noneMatch(schema -> EventTypes.fingerprint(schema) == current)) {
                missing.add(SchemaHistory.entry(type, EventTypes.schemaOf(type)));
            }
        }
        assertThat(missing).as("current schemas missing from the schema history: " + HOW).isEmpty();
    }

    @Test
    void everyVersionInGitIsInTheHistory() throws Exception {
        assertThat(history.readableVersions().keySet())
                .as("schema versions that git holds but the schema history does not: " + HOW)
                .isSubsetOf(history.entries());
    }

    @Test
    void everyRecordedVersionIsReadableByTheCurrentSchema() {
        List<String> problems = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : EventTypes.ALL) {
            Schema current = EventTypes.schemaOf(type);
            for (Schema writer : EventTypes.history(type)) {
                SchemaEvolution.incompatibility(current, writer)
                        .ifPresent(reason -> problems.add(SchemaHistory.entry(type, writer) + ": " + reason));
            }
        }
        assertThat(problems).as("recorded versions the current schemas cannot read").isEmpty();
    }

    @Test
    void theIndexListsExactlyTheHistoryFiles() throws Exception {
        assertThat(history.entries()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(history.files());
    }

    @Test
    void everyEventTypeKnowsTheFingerprintsOfAllItsVersions() {
        for (Class<? extends SpecificRecord> type : EventTypes.ALL) {
            for (Schema writer : EventTypes.history(type)) {
                assertThat(EventTypes.byFingerprint(EventTypes.fingerprint(writer))).isEqualTo(type);
            }
        }
    }
}
