package dev.switchboard.compliance.audit;

/**
 * A batch's insert found a row for one of its event ids that was not there when the batch looked its ids up: another
 * chain's transaction audited the same event id meanwhile (an upstream duplicate on another partition). The links
 * computed after that row would be wrong, so the transaction rolls back; the batch is processed again and then
 * classifies the event as a duplicate or a redelivery.
 */
public class ConcurrentAuditException extends RuntimeException {

    public ConcurrentAuditException(String eventId) {
        super("Event " + eventId + " was audited by another transaction while this batch was being appended; "
                + "the batch is rolled back and processed again");
    }
}
