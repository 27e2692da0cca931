package dev.switchboard.agent.sdk.host;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The effects an agent performed, by tenant and idempotency key, kept by the host (agent code cannot reach
 * it). An effect is pending while its call runs it and done with its result afterwards; the same key again
 * gets the recorded result instead of a second effect. Holds the most recent {@value #MAX_ENTRIES} keys of
 * this process: a task redelivered after a restart of agent-service performs its effect again, with the same
 * idempotency key for the system it changes.
 */
final class EffectLedger {

    static final int MAX_ENTRIES = 100_000;

    /** What the ledger says about a key when an effect begins. */
    sealed interface Begin {
        record Run() implements Begin {
        }

        record Recorded(String resultJson) implements Begin {
        }

        record Busy() implements Begin {
        }
    }

    private record Entry(String callId, String resultJson) {
        boolean done() {
            return resultJson != null;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    synchronized Begin begin(String key, String callId) {
        Entry entry = entries.get(key);
        if (entry == null) {
            entries.put(key, new Entry(callId, null));
            return new Begin.Run();
        }
        return entry.done() ? new Begin.Recorded(entry.resultJson()) : new Begin.Busy();
    }

    /** Records the result of a pending effect of {@code callId}; false when that call holds no such effect. */
    synchronized boolean end(String key, String callId, String resultJson) {
        Entry entry = entries.get(key);
        if (entry == null || entry.done() || !entry.callId().equals(callId)) {
            return false;
        }
        entries.put(key, new Entry(callId, resultJson));
        return true;
    }

    synchronized void abort(String key, String callId) {
        Entry entry = entries.get(key);
        if (entry != null && !entry.done() && entry.callId().equals(callId)) {
            entries.remove(key);
        }
    }

    synchronized Optional<String> recorded(String key) {
        Entry entry = entries.get(key);
        return entry == null || !entry.done() ? Optional.empty() : Optional.of(entry.resultJson());
    }

    synchronized int size() {
        return entries.size();
    }
}
