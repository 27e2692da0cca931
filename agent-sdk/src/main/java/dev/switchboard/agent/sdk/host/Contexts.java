package dev.switchboard.agent.sdk.host;

import dev.switchboard.agent.sdk.ToolContext;

import java.util.function.Function;

/**
 * Makes {@link ToolContext}s, whose constructor is private: the context hands its constructor over once, when
 * its class initializes, and only this package can use it.
 */
public final class Contexts {

    private static volatile Function<CallHandle, ToolContext> factory;

    static {
        try {
            Class.forName(ToolContext.class.getName(), true, ToolContext.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Contexts() {
    }

    /** Called by {@link ToolContext}'s static initializer; any later call is refused. */
    public static synchronized void register(Function<CallHandle, ToolContext> constructor) {
        if (factory != null) {
            throw new IllegalStateException("ToolContext is made by the runtime only");
        }
        factory = constructor;
    }

    static ToolContext create(CallHandle call) {
        return factory.apply(call);
    }
}
