package dev.switchboard.compliance.audit;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** Data keys in the table {@code audit_user_keys}; see {@link UserKeys} for why production wants a KMS. */
@ApplicationScoped
public class DatabaseUserKeys implements UserKeys {

    private final EntityManager entityManager;

    DatabaseUserKeys(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Override
    public byte[] keyFor(String tenant, String user) {
        Optional<byte[]> existing = read(tenant, user, true);
        if (existing.isPresent()) {
            return existing.get();
        }
        // Two first events of one user at once: one insert wins, the other waits for it and reads its key.
        entityManager.createNativeQuery("""
                INSERT INTO audit_user_keys (tenant, user_id, data_key) VALUES (:tenant, :user, :key)
                ON CONFLICT (tenant, user_id) DO NOTHING
                """)
                .setParameter("tenant", tenant)
                .setParameter("user", user)
                .setParameter("key", ContentCipher.newKey())
                .executeUpdate();
        return read(tenant, user, true).orElseThrow(() -> new IllegalStateException("No data key for a user of " + tenant));
    }

    @Override
    public Optional<byte[]> find(String tenant, String user) {
        return read(tenant, user, false);
    }

    /**
     * @param share whether to hold a shared lock on the key until the transaction ends: an erasure's delete waits
     *              for the appends that seal with the key (and an append waits for an erasure under way, then finds
     *              no key and creates a new one), so no content is sealed with a key its erasure has destroyed
     */
    private Optional<byte[]> read(String tenant, String user, boolean share) {
        @SuppressWarnings("unchecked")
        List<byte[]> keys = entityManager.createNativeQuery(
                "SELECT data_key FROM audit_user_keys WHERE tenant = :tenant AND user_id = :user"
                        + (share ? " FOR SHARE" : ""))
                .setParameter("tenant", tenant)
                .setParameter("user", user)
                .getResultList();
        return keys.stream().findFirst();
    }

    @Override
    public boolean destroy(String tenant, String user) {
        return entityManager.createNativeQuery("DELETE FROM audit_user_keys WHERE tenant = :tenant AND user_id = :user")
                .setParameter("tenant", tenant)
                .setParameter("user", user)
                .executeUpdate() > 0;
    }
}
