package dev.switchboard.compliance.audit;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.compliance.AuditEventEntity;

/** Opens the content of audit rows with their users' data keys. */
@ApplicationScoped
public class AuditContents {

    /** Why sealed content whose key still exists does not open: it was altered, or moved from another row. */
    public static final String DOES_NOT_DECRYPT = "content does not decrypt";

    private final UserKeys keys;

    AuditContents(UserKeys keys) {
        this.keys = keys;
    }

    /** A reader for one pass over rows (one request, one verification): it looks each user's key up once. */
    public Reader reader() {
        return new Reader();
    }

    public final class Reader {

        private final Map<List<String>, Optional<byte[]>> cache = new HashMap<>();

        private Reader() {
        }

        public StoredContent read(AuditEventEntity row) {
            if (!ContentCipher.isSealed(row.content)) {
                return StoredContent.readable(row.content);
            }
            Optional<byte[]> key = row.userId == null ? Optional.empty()
                    : cache.computeIfAbsent(List.of(row.tenant, row.userId), k -> keys.find(k.get(0), k.get(1)));
            if (key.isEmpty()) {
                return StoredContent.erasedContent();
            }
            try {
                return StoredContent.readable(ContentCipher.open(key.get(), row.content, row.tenant, row.eventId));
            } catch (GeneralSecurityException e) {
                return StoredContent.unreadable(DOES_NOT_DECRYPT);
            }
        }
    }
}
