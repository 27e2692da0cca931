package dev.switchboard.gateway.inbound;

/** Links or codes cannot be read or written now (Kafka Streams starting or rebalancing, broker down); retry. */
public class LinksUnavailableException extends RuntimeException {

    LinksUnavailableException(String message) {
        super(message, null, false, false);
    }
}
