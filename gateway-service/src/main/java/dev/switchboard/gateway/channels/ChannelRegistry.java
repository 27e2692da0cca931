package dev.switchboard.gateway.channels;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import dev.switchboard.gateway.channels.config.ChannelsConfig;

/**
 * Every {@link Channel} bean by id, and each tenant's settings for it. Adding a channel is adding a bean:
 * the registry finds it, and the webhook URL and reply delivery follow.
 */
@ApplicationScoped
public class ChannelRegistry {

    // Tenant and channel ids become parts of property names: keep them to one plain segment.
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private static final Logger LOG = Logger.getLogger(ChannelRegistry.class);

    private final Map<String, Channel> channels;
    private final Config config;

    ChannelRegistry(Instance<Channel> channels, Config config, ChannelsConfig configured) {
        this.channels = channels.stream().collect(Collectors.toUnmodifiableMap(Channel::id, Function.identity()));
        this.config = config;
        // Settings given only as environment variables are found when used, not listed here.
        LOG.infof("Messaging channels %s; configured in files and system properties: %s", this.channels.keySet(),
                configured.tenants().entrySet().stream()
                        .flatMap(tenant -> tenant.getValue().keySet().stream().map(channel -> tenant.getKey() + "/" + channel))
                        .sorted().toList());
    }

    /** The channel with this id, if there is one. */
    public Optional<Channel> channel(String id) {
        return Optional.ofNullable(id).map(channels::get);
    }

    /** The ids of the channels whose users are phone numbers. */
    public Set<String> phoneChannels() {
        return channels.values().stream().filter(Channel::namesUsersByPhoneNumber).map(Channel::id)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The ids of every channel. */
    public Set<String> ids() {
        return channels.keySet();
    }

    /** Whether replies on this channel are delivered by calling the platform (not web chat). */
    public boolean isMessagingChannel(String id) {
        return channel(id).isPresent();
    }

    /**
     * The tenant's settings for the channel, when the tenant has configured every setting the channel
     * requires; empty for an unknown tenant, an unconfigured channel or a malformed id.
     */
    public Optional<ChannelSettings> settings(String tenant, Channel channel) {
        if (tenant == null || !ID.matcher(tenant).matches()) {
            return Optional.empty();
        }
        ChannelSettings settings = new ChannelSettings(tenant, channel.id(), config);
        return settings.hasAll(channel.requiredSettings()) ? Optional.of(settings) : Optional.empty();
    }
}
