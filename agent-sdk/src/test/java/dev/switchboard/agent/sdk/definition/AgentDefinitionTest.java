package dev.switchboard.agent.sdk.definition;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Handoff;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.example.BillingAgent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentDefinitionTest {

    @Test
    void readsTheAnnotationsAndDescribesParametersAsJsonSchema() {
        AgentDefinition definition = AgentDefinition.of(BillingAgent.class);

        assertThat(definition.id()).isEqualTo("billing-agent");
        assertThat(definition.scopes()).containsExactlyInAnyOrder("billing:read", "billing:refund");
        assertThat(definition.limits()).isEqualTo(new AgentDefinition.AgentLimits(6, 8000, Duration.ofSeconds(30)));
        assertThat(definition.model()).isEqualTo("default");
        assertThat(definition.handoffs()).containsExactly(
                new AgentDefinition.HandoffTarget("concierge", "the question is not about billing"));
        assertThat(definition.tool("refund").orElseThrow().spec().parametersJsonSchema()).isEqualTo(
                "{\"type\":\"object\",\"properties\":{"
                        + "\"invoiceId\":{\"type\":\"string\",\"description\":\"The invoice id\"},"
                        + "\"amount\":{\"type\":\"number\",\"description\":\"The amount to refund\"}},"
                        + "\"required\":[\"invoiceId\",\"amount\"],\"additionalProperties\":false}");
    }

    public enum Color { RED, GREEN }

    public record Item(String sku, int quantity, Set<Color> colors) {
    }

    @Agent(id = "shop", description = "Shops", limits = @Limits(maxIterations = 3, maxTokens = 100, timeoutSeconds = 5))
    public static class Shop implements ExpertAgent {
        public String instructions() {
            return "";
        }

        @Tool(description = "Orders")
        public String order(@Param(name = "items") List<Item> items) {
            return items.toString();
        }
    }

    @Test
    void describesRecordsEnumsAndCollections() {
        AgentDefinition definition = AgentDefinition.of(Shop.class);

        assertThat(definition.toolSpecs()).singleElement().satisfies(spec -> {
            assertThat(spec.name()).isEqualTo("order");
            assertThat(spec.parametersJsonSchema()).isEqualTo("{\"type\":\"object\",\"properties\":{\"items\":"
                    + "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                    + "\"sku\":{\"type\":\"string\"},\"quantity\":{\"type\":\"integer\"},"
                    + "\"colors\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":[\"RED\",\"GREEN\"]},"
                    + "\"uniqueItems\":true}},\"required\":[\"sku\",\"quantity\",\"colors\"],"
                    + "\"additionalProperties\":false}}},\"required\":[\"items\"],\"additionalProperties\":false}");
        });
    }

    @Agent(id = "Broken_Agent", description = "Breaks", scopes = "a:read",
            limits = @Limits(maxIterations = 100, maxTokens = 100, timeoutSeconds = 5))
    public static class Broken implements ExpertAgent {
        public String instructions() {
            return "";
        }

        @Tool(name = "when", description = "Schedules", scope = "a:write")
        public String when(@Param(name = "at") Instant at) {
            return "";
        }
    }

    @Test
    void enforcesTheCompileTimeRulesWithTheSameMessages() {
        assertThatThrownBy(() -> AgentDefinition.of(Broken.class))
                .isInstanceOfSatisfying(AgentDefinitionException.class, e -> assertThat(e.problems()).containsExactly(
                        AgentRules.notKebabCase("Broken_Agent"),
                        "Agent 'Broken_Agent' sets limits.maxIterations = 100; it must be between 1 and 50",
                        "Tool 'when' of agent 'Broken_Agent' requires scope 'a:write', which the agent does not declare",
                        AgentRules.unsupportedType("Broken_Agent", "when", "at", "java.time.Instant")));
    }

    @Agent(id = "mailer", description = "Mails", limits = @Limits(maxIterations = 3, maxTokens = 100, timeoutSeconds = 5))
    public static class Mailer implements ExpertAgent {
        public String instructions() {
            return "";
        }

        @Tool(name = "send", description = "Sends a mail", sideEffects = true)
        public String send(@Param(name = "to") String to) {
            return to;
        }
    }

    @Test
    void aToolWithSideEffectsNeedsAScope() {
        assertThatThrownBy(() -> AgentDefinition.of(Mailer.class))
                .isInstanceOfSatisfying(AgentDefinitionException.class, e -> assertThat(e.problems()).containsExactly(
                        "Tool 'send' of agent 'mailer' has side effects but no scope: declare scope = \"...\" so "
                                + "that a task must grant it"));
    }

    @Agent(id = "lost", description = "Lost", handoffs = @Handoff(to = "nobody", when = "always"),
            limits = @Limits(maxIterations = 3, maxTokens = 100, timeoutSeconds = 5))
    public static class Lost implements ExpertAgent {
        public String instructions() {
            return "";
        }
    }

    @Test
    void catalogChecksHandoffsAndDuplicateIds() {
        assertThatThrownBy(() -> AgentCatalog.of(List.of(Lost.class, Shop.class), Set.of()))
                .hasMessage("Agent 'lost' hands off to unknown agent 'nobody'");
        assertThat(AgentCatalog.of(List.of(Lost.class, Shop.class), Set.of("nobody")).agents()).hasSize(2);
        assertThatThrownBy(() -> AgentCatalog.of(List.of(Shop.class, Shop.class), Set.of()))
                .hasMessage("Agent id 'shop' is already used by " + Shop.class.getName());
    }
}
