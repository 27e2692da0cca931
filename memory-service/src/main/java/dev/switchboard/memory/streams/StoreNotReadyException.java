package dev.switchboard.memory.streams;

/** The session store cannot answer yet (startup, rebalance, restore); the caller should retry shortly. */
public class StoreNotReadyException extends RuntimeException {

    public StoreNotReadyException(String message) {
        super(message);
    }

    public StoreNotReadyException(String message, Throwable cause) {
        super(message, cause);
    }
}
