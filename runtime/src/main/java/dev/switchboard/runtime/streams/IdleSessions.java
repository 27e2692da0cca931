package dev.switchboard.runtime.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When each session was last active, as a time-bucketed index, so that idle sessions are found without scanning
 * every session (the supervisor's session usage, memory's session state). Two stores: one maps a session to the
 * start of the bucket of its last activity, the other (the index) holds one key
 * {@code <bucket start, 19 digits>|<session>} per session. Keys sort by time, so the sessions idle longest are a
 * prefix of the index: {@link #expire} reads at most {@code limit} keys from its start and never the rest.
 *
 * <p>Activity within one bucket writes nothing; moving to a new bucket deletes the old key and writes the new one.
 * A session counts as idle once its bucket ended {@code idle} ago, so it is forgotten between {@code idle} and
 * {@code idle} + one bucket + one sweep interval after its last activity.
 */
public final class IdleSessions {

    private final KeyValueStore<String, Long> lastActive;
    private final KeyValueStore<String, String> index;
    private final long bucketMs;

    public IdleSessions(KeyValueStore<String, Long> lastActive, KeyValueStore<String, String> index, Duration bucket) {
        this.lastActive = lastActive;
        this.index = index;
        this.bucketMs = Math.max(1, bucket.toMillis());
    }

    /** Forgets the session's activity (its state was deleted for another reason, an erasure). */
    public void forget(String session) {
        Long previous = lastActive.delete(session);
        if (previous != null) {
            index.delete(key(previous, session));
        }
    }

    /** Records activity of {@code session} at {@code now}. */
    public void touch(String session, long now) {
        long bucket = now - Math.floorMod(now, bucketMs);
        Long previous = lastActive.get(session);
        if (previous != null && previous == bucket) {
            return;
        }
        if (previous != null) {
            index.delete(key(previous, session));
        }
        lastActive.put(session, bucket);
        index.put(key(bucket, session), session);
    }

    /**
     * Removes from the index at most {@code limit} sessions whose last activity is at least {@code idle} before
     * {@code now}, oldest first, and returns them: the caller forgets what it holds about each.
     */
    public List<String> expire(long now, Duration idle, int limit) {
        long newestIdleBucket = now - idle.toMillis() - bucketMs;
        if (newestIdleBucket < 0) {
            return List.of();
        }
        List<KeyValue<String, String>> found = new ArrayList<>();
        // '}' sorts after '|': the upper bound takes every session of the newest idle bucket.
        try (KeyValueIterator<String, String> oldest = index.range(null, pad(newestIdleBucket) + "}")) {
            while (found.size() < limit && oldest.hasNext()) {
                found.add(oldest.next());
            }
        }
        List<String> expired = new ArrayList<>(found.size());
        for (KeyValue<String, String> entry : found) {
            index.delete(entry.key);
            String session = entry.value;
            Long bucket = lastActive.get(session);
            if (bucket != null && entry.key.equals(key(bucket, session))) {
                lastActive.delete(session);
                expired.add(session);
            }
        }
        return expired;
    }

    public static String key(long bucket, String session) {
        return pad(bucket) + "|" + session;
    }

    private static String pad(long millis) {
        return String.format("%019d", millis);
    }
}
