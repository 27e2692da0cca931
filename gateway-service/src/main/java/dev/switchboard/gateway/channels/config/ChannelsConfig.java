package dev.switchboard.gateway.channels.config;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/**
 * Declares the namespace {@code switchboard.gateway.channels.<tenant>.<channel>.<setting>}: every tenant's
 * settings for every channel. The settings themselves are looked up by full name through
 * {@link dev.switchboard.gateway.channels.ChannelSettings}, which also finds those given only as environment
 * variables; this mapping holds what the configuration files and system properties set.
 */
@ConfigMapping(prefix = "switchboard.gateway.channels")
public interface ChannelsConfig {

    /** Settings by tenant, then channel, then setting name. */
    @WithParentName
    Map<String, Map<String, Map<String, String>>> tenants();
}
