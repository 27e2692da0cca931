package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.serde.AvroDeserializer;
import dev.switchboard.schemas.serde.AvroSerializer;

class SerdeTest {

    static Envelope envelope() {
        return Envelope.newBuilder()
                .setEventId("e-1").setTenant("acme").setSessionId("s-1").setTurnId("t-1")
                .setPrincipal(new Principal("acme", "alice", Map.of())).setChannel("webchat")
                .setDelegationChain(List.of(new DelegationLink("concierge", List.of("read"), null,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS))))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    @Test
    void roundTripsThroughTheTypedSerdeOfTheCatalog() {
        TurnReceived turn = new TurnReceived(envelope(), "m-1", "hello");
        var serde = Topics.TURNS_RAW.valueSerde();
        byte[] bytes = serde.serializer().serialize("turns.raw", turn);
        assertThat(serde.deserializer().deserialize("turns.raw", bytes)).isEqualTo(turn);
    }

    @Test
    void theGenericDeserializerPicksTheClassFromTheFingerprint() {
        TurnReceived turn = new TurnReceived(envelope(), null, "hi");
        byte[] bytes = new AvroSerializer().serialize("x", turn);
        assertThat(new AvroDeserializer().deserialize("x", bytes)).isInstanceOf(TurnReceived.class).isEqualTo(turn);
    }

    @Test
    void aTypedSerdeRefusesAnotherEventType() {
        byte[] bytes = new AvroSerializer().serialize("x", new TurnReceived(envelope(), null, "hi"));
        assertThatThrownBy(() -> Topics.REPLIES_OUTBOUND.valueSerde().deserializer().deserialize("x", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("ReplyOutbound");
    }

    @Test
    void garbageIsASerializationErrorNotACrash() {
        assertThatThrownBy(() -> new AvroDeserializer().deserialize("x", "not avro".getBytes()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("single-object");
    }

    @Test
    void withoutARegistryUrlNoRegistryIsUsed() {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("apicurio.registry.url", " "), false);
        byte[] bytes = serializer.serialize("x", new TurnReceived(envelope(), null, "hi"));
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    }
}
