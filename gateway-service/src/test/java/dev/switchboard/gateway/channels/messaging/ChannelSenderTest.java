package dev.switchboard.gateway.channels.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.channels.DeliveryException;

class ChannelSenderTest {

    @Test
    void backsOffExponentiallyUpToAMaximum() {
        ChannelSender.RetryAfterBackoff backoff = new ChannelSender.RetryAfterBackoff();
        backoff.init(500);
        ChannelSender.TransientFailure failure = new ChannelSender.TransientFailure(DeliveryException.transientFailure("503"));
        assertThat(backoff.nextDelayInMillis(failure)).isEqualTo(500);
        assertThat(backoff.nextDelayInMillis(failure)).isEqualTo(1000);
        assertThat(backoff.nextDelayInMillis(failure)).isEqualTo(2000);
        assertThat(backoff.nextDelayInMillis(failure)).isEqualTo(4000);
        assertThat(backoff.nextDelayInMillis(failure)).isEqualTo(8000);
        assertThat(backoff.nextDelayInMillis(failure)).isEqualTo(8000);
    }

    @Test
    void waitsWhatTheRetryAfterHeaderAsks() {
        ChannelSender.RetryAfterBackoff backoff = new ChannelSender.RetryAfterBackoff();
        backoff.init(500);
        assertThat(backoff.nextDelayInMillis(new ChannelSender.TransientFailure(
                DeliveryException.rateLimited("429", Duration.ofSeconds(3))))).isEqualTo(3000);
    }
}
