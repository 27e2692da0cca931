package dev.switchboard.supervisor;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.switchboard.events.TurnReceived;

/**
 * The routing rules and budgets in force for one tenant, from its run-time policy if it has one, else from
 * configuration (see {@link TenantPolicies}).
 *
 * @param rules         ordered routing rules
 * @param defaultAgent  where a turn goes when nothing else picks an agent
 * @param sessionTokens tokens one session may use
 * @param dailyTokens   tokens the tenant may use per UTC day
 * @param source        where the policy came from, for the record: {@code configuration} or {@code policy topic}
 */
public record TenantPolicy(List<Rule> rules, String defaultAgent, long sessionTokens, long dailyTokens, String source) {

    /** A compiled routing rule; it matches when every condition it sets holds (a rule without any matches all). */
    public record Rule(Pattern pattern, String channel, String attributeName, String attributeValue, String agent) {

        public static Rule of(String pattern, String channel, String attribute, String agent) {
            String name = null;
            String value = null;
            if (attribute != null) {
                int equals = attribute.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("attribute condition must be name=value, got: " + attribute);
                }
                name = attribute.substring(0, equals).trim();
                value = attribute.substring(equals + 1).trim();
            }
            return new Rule(pattern == null ? null : Pattern.compile(pattern, Pattern.CASE_INSENSITIVE),
                    channel, name, value, agent);
        }

        public boolean matches(TurnReceived turn) {
            Map<String, String> attributes = turn.getEnvelope().getPrincipal().getAttributes();
            return (channel == null || channel.equals(turn.getEnvelope().getChannel()))
                    && (attributeName == null || attributeValue.equals(attributes.get(attributeName)))
                    && (pattern == null || pattern.matcher(turn.getText()).find());
        }

        /** How the rule reads in a delegation link. */
        public String describe() {
            StringBuilder text = new StringBuilder("routing rule");
            if (pattern != null) {
                text.append(" /").append(pattern.pattern()).append('/');
            }
            if (channel != null) {
                text.append(" channel=").append(channel);
            }
            if (attributeName != null) {
                text.append(' ').append(attributeName).append('=').append(attributeValue);
            }
            return text.toString();
        }
    }
}
