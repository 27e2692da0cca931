package dev.switchboard.schemas.serde;

import java.util.HashMap;
import java.util.Map;

/** When and how the serdes use Apicurio Registry instead of the registry-free default. */
public final class RegistryConfig {

    /** Apicurio's own key: set it (for example through {@code mp.messaging.connector...}) to use a registry. */
    public static final String REGISTRY_URL = "apicurio.registry.url";

    private RegistryConfig() {
    }

    static boolean isConfigured(Map<String, ?> configs) {
        Object url = configs.get(REGISTRY_URL);
        return url != null && !url.toString().isBlank();
    }

    /** Registers schemas on first use and reads into generated classes, unless configured otherwise. */
    static Map<String, Object> withDefaults(Map<String, ?> configs) {
        Map<String, Object> merged = new HashMap<>();
        merged.put("apicurio.registry.auto-register", "true");
        merged.put("apicurio.registry.use-specific-avro-reader", "true");
        merged.putAll(configs);
        return merged;
    }
}
