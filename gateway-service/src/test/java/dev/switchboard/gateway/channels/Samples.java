package dev.switchboard.gateway.channels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The webhook samples in {@code src/test/resources/channels/} and helpers to sign and send them. */
public final class Samples {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Samples() {
    }

    /** A file under {@code channels/}. */
    public static String text(String path) {
        try (InputStream in = Samples.class.getResourceAsStream("/channels/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One WhatsApp webhook body of {@code whatsapp/<file>.json}, by message kind. */
    public static String whatsapp(String file, String kind) {
        try {
            JsonNode all = JSON.readTree(text("whatsapp/" + file + ".json"));
            JsonNode body = all.get(kind);
            if (body == null) {
                throw new IllegalArgumentException("no kind " + kind + " in " + file);
            }
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the WhatsApp sample kinds in a file. */
    public static List<String> whatsappKinds(String file) {
        try {
            List<String> kinds = new ArrayList<>();
            JSON.readTree(text("whatsapp/" + file + ".json")).fieldNames().forEachRemaining(kinds::add);
            return kinds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings of one tenant's channel from plain key/value pairs. */
    public static ChannelSettings settings(String tenant, String channel, Map<String, String> values) {
        Map<String, String> properties = values.entrySet().stream().collect(Collectors.toMap(
                e -> ChannelSettings.PREFIX + tenant + "." + channel + "." + e.getKey(), Map.Entry::getValue));
        return new ChannelSettings(tenant, channel,
                new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 100)).build());
    }

    public static WebhookRequest post(String url, Map<String, String> headers, String body) {
        return new WebhookRequest(URI.create(url),
                headers.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
                Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    public static String hmacSha256Hex(String secret, String data) {
        return HexFormat.of().formatHex(Signatures.hmacSha256(secret, data.getBytes(StandardCharsets.UTF_8)));
    }
}
