package dev.switchboard.gateway.channels;

import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

/**
 * One tenant's settings for one channel: the properties {@code switchboard.gateway.channels.<tenant>.<channel>.*}.
 *
 * <p>They are looked up by their full name when a request or a reply names the tenant and the channel,
 * rather than bound at start-up to a fixed shape, so that a new channel needs no configuration class and
 * secrets can come from environment variables ({@code SWITCHBOARD_GATEWAY_CHANNELS_ACME_WHATSAPP_APP_SECRET}).
 */
public final class ChannelSettings {

    public static final String PREFIX = "switchboard.gateway.channels.";

    private final String tenant;
    private final String channel;
    private final Config config;

    public ChannelSettings(String tenant, String channel, Config config) {
        this.tenant = tenant;
        this.channel = channel;
        this.config = config;
    }

    public String tenant() {
        return tenant;
    }

    public String channel() {
        return channel;
    }

    /** The full property name of a setting. */
    public String propertyName(String key) {
        return PREFIX + tenant + "." + channel + "." + key;
    }

    public Optional<String> get(String key) {
        return config.getOptionalValue(propertyName(key), String.class).filter(value -> !value.isBlank());
    }

    /** A setting's value, or the default. */
    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /**
     * A setting that must be there; {@link ChannelRegistry} only hands out settings that have all of a
     * channel's {@link Channel#requiredSettings()}, so this fails only on a programming error.
     */
    public String require(String key) {
        return get(key).orElseThrow(() -> new IllegalStateException(propertyName(key) + " is not set"));
    }

    /** Whether every one of the keys has a value. */
    public boolean hasAll(List<String> keys) {
        return keys.stream().allMatch(key -> get(key).isPresent());
    }
}
