package dev.switchboard.gateway.rest;

import java.time.Instant;

import dev.switchboard.events.IdentityLink;

/** A channel identity linked to a user. */
public record LinkView(String channel, String channelUserId, Instant linkedAt) {

    static LinkView of(IdentityLink link) {
        return new LinkView(link.getChannel(), link.getChannelUserId(), link.getLinkedAt());
    }
}
