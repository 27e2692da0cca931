package dev.switchboard.schemas;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * Records the versions of the event schemas that the schema history lacks (see {@link SchemaHistory}). Not part of the
 * normal build (its name does not end in {@code Test}); run it after changing a schema and commit what it writes:
 *
 * <pre>
 * rm -rf schemas/target &amp;&amp; ./mvnw -o -pl schemas test -Dtest=SchemaHistoryRecorder
 * </pre>
 *
 * It only ever adds versions, so a version recorded once stays readable even if git history is later squashed.
 */
class SchemaHistoryRecorder {

    @Test
    void recordsEveryVersionTheHistoryLacks() throws Exception {
        SchemaHistory history = SchemaHistory.ofBuild();
        List<String> added = history.record();
        System.out.println(added.isEmpty() ? "Schema history is complete: nothing to record"
                : "Recorded in " + history.historyDir() + ":\n  " + String.join("\n  ", added));
        Set<String> unreadable = new TreeSet<>(history.versions().keySet());
        unreadable.removeAll(history.readableVersions().keySet());
        if (!unreadable.isEmpty()) {
            System.out.println("Not recorded, the current schemas cannot read them:\n  "
                    + String.join("\n  ", unreadable));
        }
    }
}
