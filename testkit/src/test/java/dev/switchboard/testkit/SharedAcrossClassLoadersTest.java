package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * Quarkus gives each test profile a class loader of its own, with its own copy of {@link EmbeddedKafka}: every copy
 * must use the one running broker (a second broker in the JVM does not start) and the same credentials.
 */
class SharedAcrossClassLoadersTest {

    @Test
    void aSecondCopyOfTheClassAttachesToTheRunningBrokerWithTheSameCredentials() throws Exception {
        EmbeddedKafka mine = EmbeddedKafka.shared();
        URL classes = EmbeddedKafka.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader other = new URLClassLoader(new URL[] {classes}, EmbeddedKafka.class.getClassLoader().getParent()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("dev.switchboard.testkit.")) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> loaded = findLoadedClass(name);
                        return loaded != null ? loaded : findClass(name);
                    }
                }
                return EmbeddedKafka.class.getClassLoader().loadClass(name);
            }
        }) {
            Class<?> copy = other.loadClass(EmbeddedKafka.class.getName());
            assertThat(copy).isNotSameAs(EmbeddedKafka.class);
            Object theirs = copy.getMethod("shared").invoke(null);
            Method bootstrap = copy.getMethod("bootstrapServers");
            Method clientProperties = copy.getMethod("clientProperties", String.class);
            assertThat(bootstrap.invoke(theirs)).isEqualTo(mine.bootstrapServers());
            @SuppressWarnings("unchecked")
            Map<String, Object> asMemory = (Map<String, Object>) clientProperties.invoke(theirs, "memory");
            assertThat(asMemory).isEqualTo(mine.clientProperties("memory"));
            try (Admin admin = Admin.create(asMemory)) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }
}
