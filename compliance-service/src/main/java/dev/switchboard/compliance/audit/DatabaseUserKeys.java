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
        Optional<byte[]> existing = find(tenant, user);
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
        return find(tenant, user).orElseThrow(() -> new IllegalStateException("No data key for a user of " + tenant));
    }

    @Override
    public Optional<byte[]> find(String tenant, String user) {
        @SuppressWarnings("unchecked")
        List<byte[]> keys = entityManager.createNativeQuery(
                "SELECT data_key FROM audit_user_keys WHERE tenant = :tenant AND user_id = :user")
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
