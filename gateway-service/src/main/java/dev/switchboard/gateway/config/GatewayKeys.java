package dev.switchboard.gateway.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.switchboard.gateway.Hmac;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.gateway.channels.ChannelRegistry;
import dev.switchboard.gateway.inbound.ChannelIdentities;
import dev.switchboard.gateway.inbound.ChannelTurns;
import io.quarkus.runtime.StartupEvent;

/**
 * The ids derived under the gateway's secrets: session ids ({@code switchboard.gateway.session-key}) and phone
 * number pseudonyms ({@code switchboard.gateway.pseudonym-key}). Both keys are checked at start-up, so an instance
 * without them fails at once, with a message that says what to set, instead of at its first message.
 */
@ApplicationScoped
public class GatewayKeys {

    static final String SESSION_KEY = "switchboard.gateway.session-key";
    static final String PSEUDONYM_KEY = "switchboard.gateway.pseudonym-key";

    @Produces
    @Singleton
    SessionIds sessionIds(GatewayConfig config) {
        return new SessionIds(Hmac.decodeKey(SESSION_KEY, config.sessionKey()));
    }

    @Produces
    @Singleton
    ChannelIdentities channelIdentities(GatewayConfig config, ChannelRegistry channels) {
        return new ChannelIdentities(Hmac.decodeKey(PSEUDONYM_KEY, config.pseudonymKey()), channels.phoneChannels());
    }

    @Produces
    @Singleton
    ChannelTurns channelTurns(SessionIds sessions, ChannelIdentities identities) {
        return new ChannelTurns(sessions, identities);
    }

    void checkAtStartup(@Observes StartupEvent event, SessionIds sessions, ChannelIdentities identities) {
        // Injecting both creates them, which decodes and checks both keys.
    }
}
