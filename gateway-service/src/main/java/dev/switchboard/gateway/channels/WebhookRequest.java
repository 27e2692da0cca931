package dev.switchboard.gateway.channels;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A webhook request as it arrived, before anything in it is trusted: signatures are computed over these
 * exact bytes and this exact URL.
 *
 * @param url     the full URL the platform called, with its query string (Twilio signs it)
 * @param headers request headers; names are case-insensitive
 * @param query   query parameters, first value of each
 * @param body    the raw body, empty for a GET
 */
public record WebhookRequest(URI url, Map<String, List<String>> headers, Map<String, String> query, byte[] body) {

    public WebhookRequest {
        TreeMap<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> byName.put(name, List.copyOf(values)));
        headers = byName;
        query = Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
