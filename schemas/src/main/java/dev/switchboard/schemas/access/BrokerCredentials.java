package dev.switchboard.schemas.access;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * The client settings that authenticate as one broker principal with SASL/SCRAM-SHA-512, in one place, so
 * every harness, launcher and service builds them the same way (and escapes passwords the same way).
 */
public final class BrokerCredentials {

    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";
    public static final String SASL_MECHANISM = "SCRAM-SHA-512";

    private static final SecureRandom RANDOM = new SecureRandom();

    private BrokerCredentials() {
    }

    /** Bootstrap servers, {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}. */
    public static Map<String, Object> clientProperties(String bootstrapServers, String user, String password) {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SECURITY_PROTOCOL,
                SaslConfigs.SASL_MECHANISM, SASL_MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(user, password));
    }

    /** The {@code sasl.jaas.config} value: {@code ScramLoginModule required username="..." password="...";}. */
    public static String jaasConfig(String user, String password) {
        return ScramLoginModule.class.getName() + " required username=\"" + quoted(user) + "\" password=\""
                + quoted(password) + "\";";
    }

    /** A new random password: 24 random bytes, URL-safe base64 (nothing to escape anywhere). */
    public static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Escapes backslashes and double quotes for a quoted JAAS option value. */
    private static String quoted(String value) {
        if (value == null) {
            throw new IllegalArgumentException("a SCRAM user name and password must not be null");
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
