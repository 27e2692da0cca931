package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.serde.AvroDeserializer;
import dev.switchboard.schemas.serde.AvroSerializer;

/**
 * The serdes against a real Apicurio Registry. Needs Docker: skipped where there is none (the
 * registry-free default is covered by {@link SerdeTest}).
 */
@Testcontainers(disabledWithoutDocker = true)
class RegistrySerdeTest {

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>("apicurio/apicurio-registry:3.1.7")
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/apis/registry/v3/system/info").forStatusCode(200));

    @Test
    void registersTheSchemaAndReadsTheGeneratedClassBack() {
        Map<String, Object> config = Map.of("apicurio.registry.url",
                "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8080) + "/apis/registry/v3");
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(config, false);
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(config, false);
        TurnReceived turn = new TurnReceived(SerdeTest.envelope(), null, "via registry");
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = serializer.serialize("turns.raw", headers, turn);
        assertThat(bytes[0]).as("not the registry-free encoding").isNotEqualTo((byte) 0xC3);
        assertThat(deserializer.deserialize("turns.raw", headers, bytes)).isEqualTo(turn);
    }
}
