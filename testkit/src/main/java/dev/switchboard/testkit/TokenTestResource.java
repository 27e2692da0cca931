package dev.switchboard.testkit;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Makes a {@code @QuarkusTest} trust {@link TestTokens}; use it with {@code @WithTestResource(TokenTestResource.class)}.
 */
public class TokenTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestTokens.config();
    }

    @Override
    public void stop() {
        // nothing to stop
    }
}
