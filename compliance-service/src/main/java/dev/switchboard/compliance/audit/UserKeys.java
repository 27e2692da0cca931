package dev.switchboard.compliance.audit;

import java.util.Optional;

/**
 * The data keys that seal each user's audited content. Destroying a user's key is the erasure of that content:
 * the rows, their digests and their hashes stay, the content can never be read again.
 *
 * <p>{@link DatabaseUserKeys} keeps the keys in PostgreSQL, next to the data, which is enough to show the
 * mechanism but protects nothing against someone who can read the database. In production implement this
 * interface over a KMS or Vault (see the README) and make it the bean in use (for example with
 * {@code @Alternative @Priority(1)}).
 */
public interface UserKeys {

    /**
     * The user's key, created on first use; runs in the caller's transaction. It must not return a key whose
     * {@link #destroy} is under way: content sealed with it would be committed after the erasure and lost with it.
     * The database keys take a shared lock on the key until the caller's transaction ends, which a destroy waits for.
     */
    byte[] keyFor(String tenant, String user);

    /** The user's key, or empty once it was destroyed (or never created). */
    Optional<byte[]> find(String tenant, String user);

    /** Destroys the user's key for good; whether there was one. */
    boolean destroy(String tenant, String user);
}
