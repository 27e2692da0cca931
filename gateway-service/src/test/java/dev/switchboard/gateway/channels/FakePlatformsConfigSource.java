package dev.switchboard.gateway.channels;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Points tenant acme's send APIs at one local {@link FakePlatform}, started on first use: WhatsApp under
 * {@code /whatsapp}, Slack under {@code /slack}, Telegram under {@code /telegram}, Twilio under {@code /twilio},
 * each answering success by default.
 *
 * <p>A config source rather than a test resource, so that the module's {@code @QuarkusTest}s keep one set of
 * test resources and share one application (and one embedded broker) instead of restarting it.
 * Registered in {@code META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource}.
 */
public class FakePlatformsConfigSource implements ConfigSource {

    private static final Map<String, String> PATHS = Map.of(
            ChannelSettings.PREFIX + "acme.whatsapp.base-url", "/whatsapp",
            ChannelSettings.PREFIX + "acme.slack.base-url", "/slack",
            ChannelSettings.PREFIX + "acme.telegram.base-url", "/telegram",
            ChannelSettings.PREFIX + "acme.sms.base-url", "/twilio");

    private static FakePlatform platform;

    /** The running fake, for tests to script answers and read requests. */
    public static synchronized FakePlatform platform() {
        if (platform == null) {
            platform = new FakePlatform()
                    .byDefault("/whatsapp/", FakePlatform.Answer.json(200,
                            "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.default\"}]}"))
                    .byDefault("/slack/", FakePlatform.Answer.json(200, "{\"ok\":true,\"ts\":\"1503435956.000247\"}"))
                    .byDefault("/telegram/", FakePlatform.Answer.json(200,
                            "{\"ok\":true,\"result\":{\"message_id\":1,\"chat\":{\"id\":1}}}"))
                    .byDefault("/twilio/", FakePlatform.Answer.json(201, "{\"sid\":\"SMdefault\"}"));
        }
        return platform;
    }

    @Override
    public Set<String> getPropertyNames() {
        return PATHS.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        String path = PATHS.get(propertyName);
        return path == null ? null : platform().baseUrl() + path;
    }

    @Override
    public String getName() {
        return "fake-platforms";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
