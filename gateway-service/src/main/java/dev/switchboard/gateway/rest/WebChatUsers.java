package dev.switchboard.gateway.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import dev.switchboard.gateway.InboundMessage;
import dev.switchboard.gateway.InvalidMessageException;
import dev.switchboard.gateway.channels.ChannelRegistry;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;

/**
 * Which user a web chat caller may act for. The tenant's backend (API key) vouches for its users and names
 * them; an end user (token with role {@code user}) is the token's subject and nobody else; a tenant operator
 * may look after any of the tenant's users where a route lets it. User ids that name channel identities
 * ({@code whatsapp:...}, {@code slack:...}) are the gateway's to assign, never a web chat user's: otherwise a web
 * user named like a channel identity would share its session.
 */
@ApplicationScoped
public class WebChatUsers {

    private final Caller caller;
    private final ChannelRegistry channels;

    WebChatUsers(Caller caller, ChannelRegistry channels) {
        this.caller = caller;
        this.channels = channels;
    }

    /**
     * The author of a message whose body names {@code bodyUser} (possibly null).
     *
     * @throws ProblemException 403 when a user token names another user in the body
     */
    public String author(String bodyUser) {
        if (caller.holdsApiKey()) {
            return bodyUser;
        }
        if (bodyUser != null && !bodyUser.equals(caller.name())) {
            throw otherUser();
        }
        return caller.name();
    }

    /**
     * Refuses a caller that may not act for {@code user}: a user token acts only for its own subject.
     *
     * @param operatorsMay whether the route lets a tenant operator act for any user
     * @throws ProblemException 403 otherwise
     */
    public void requireMayActFor(String user, boolean operatorsMay) {
        if (caller.holdsApiKey() || (operatorsMay && caller.hasRole(Roles.OPERATOR))) {
            return;
        }
        if (!user.equals(caller.name())) {
            throw otherUser();
        }
    }

    /**
     * Refuses a user id that a web chat user cannot have: blank, too long, with control characters, or in the
     * namespace of a channel's identities.
     */
    public void requireWebChatUser(String user) {
        if (user == null || user.isBlank() || user.length() > InboundMessage.MAX_USER_LENGTH
                || user.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidMessageException(InvalidMessageException.INVALID_FIELD, "user must be 1 to "
                    + InboundMessage.MAX_USER_LENGTH + " characters without control characters");
        }
        int colon = user.indexOf(':');
        if (colon > 0 && channels.ids().contains(user.substring(0, colon))) {
            throw new InvalidMessageException(InvalidMessageException.INVALID_FIELD, "user ids that begin with '"
                    + user.substring(0, colon + 1) + "' name channel identities and cannot be web chat users");
        }
    }

    private static ProblemException otherUser() {
        return new ProblemException(Response.Status.FORBIDDEN, "forbidden",
                "A user token acts only for its own user");
    }
}
