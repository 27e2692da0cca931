package dev.switchboard.schemas.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

/**
 * Gives a broker the catalog's principals ({@link BrokerAccess}): a SCRAM-SHA-512 credential for each and
 * its ACL bindings. Runs as the super user {@value BrokerAccess#ADMIN}. Idempotent: credentials are upserted
 * and existing bindings stay as they are, so running it again, or with more agents, is harmless. It
 * returns once the broker it talks to authorizes with what it wrote. Bindings no longer in the catalog
 * are not removed.
 */
public final class AccessProvisioner {

    /** SCRAM iterations; 4096 is the minimum Kafka accepts for SHA-512. */
    static final int ITERATIONS = 4096;
    private static final long TIMEOUT_SECONDS = 30;

    private final Map<String, Object> adminProperties;

    /** @param adminProperties bootstrap servers and the super user's credentials ({@link BrokerCredentials}) */
    public AccessProvisioner(Map<String, ?> adminProperties) {
        Map<String, Object> properties = new HashMap<>(adminProperties);
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        this.adminProperties = Map.copyOf(properties);
    }

    /**
     * Credentials and bindings of every principal of {@link BrokerAccess#principals} for these agents.
     *
     * @param passwords password by principal name; must hold one for every principal (more are upserted too)
     */
    public void ensure(Collection<String> agentIds, Map<String, String> passwords) {
        List<BrokerPrincipal> principals = BrokerAccess.principals(agentIds);
        List<String> missing = principals.stream().map(BrokerPrincipal::name)
                .filter(name -> !passwords.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no password for " + missing);
        }
        upsertUsers(passwords);
        ensureBindings(BrokerAccess.bindings(agentIds));
    }

    /** Creates or updates a SCRAM-SHA-512 credential per user (name to password). */
    public void upsertUsers(Map<String, String> passwords) {
        if (passwords.isEmpty()) {
            return;
        }
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS);
        passwords.forEach((user, password) -> upserts.add(new UserScramCredentialUpsertion(user, info, password)));
        try (Admin admin = Admin.create(adminProperties)) {
            admin.alterUserScramCredentials(upserts).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            awaitUsers(admin, passwords.keySet());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot store the SCRAM credentials of " + passwords.keySet(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while storing SCRAM credentials", e);
        }
    }

    /** Creates the bindings the broker does not have yet and returns those it created. */
    public Set<AclBinding> ensureBindings(Collection<AclBinding> bindings) {
        try (Admin admin = Admin.create(adminProperties)) {
            Set<AclBinding> existing = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            Set<AclBinding> missing = bindings.stream().filter(binding -> !existing.contains(binding))
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
            if (!missing.isEmpty()) {
                admin.createAcls(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                awaitBindings(admin, missing);
            }
            return Set.copyOf(missing);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create ACL bindings", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating ACL bindings", e);
        }
    }

    /** The controller has committed the credentials; wait until the broker we talk to knows them too. */
    private static void awaitUsers(Admin admin, Set<String> users) throws InterruptedException, ExecutionException,
            TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            Map<String, UserScramCredentialsDescription> known = admin.describeUserScramCredentials()
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            boolean all = users.stream().allMatch(user -> known.containsKey(user) && known.get(user)
                    .credentialInfos().stream().anyMatch(info -> info.mechanism() == ScramMechanism.SCRAM_SHA_512));
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the broker does not show the SCRAM users " + users);
            }
            Thread.sleep(50);
        }
    }

    /** Bindings are answered from the broker's authorizer: once it lists them, it enforces them. */
    private static void awaitBindings(Admin admin, Set<AclBinding> bindings) throws InterruptedException,
            ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!admin.describeAcls(AclBindingFilter.ANY).values().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .containsAll(bindings)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the broker does not show the new ACL bindings");
            }
            Thread.sleep(50);
        }
    }
}
