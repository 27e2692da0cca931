package dev.switchboard.memory.streams;

import dev.switchboard.events.SessionState;

/** Where a stream task's sessions come from when it starts: the committed records of its partition of {@code sessions.state}. */
@FunctionalInterface
public interface SessionStateSource {

    /** Nothing to load: for topology tests, whose driver keeps the store for the life of the test. */
    SessionStateSource NONE = (partition, visitor) -> { };

    /** Hands every record of {@code partition}, oldest first, to {@code visitor}. */
    void read(int partition, Visitor visitor);

    /** Receives one record: a session's state, or null for a tombstone. */
    @FunctionalInterface
    interface Visitor {
        void state(String session, SessionState state, long timestamp);
    }
}
