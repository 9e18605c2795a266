package dev.wirelab.datapath.config;

/**
 * {@link WgQuick} could not bring an interface up or down. The message says which step failed and
 * why (for a command: its command line, exit code and what it printed on stderr).
 */
public final class WgQuickException extends Exception {
    public WgQuickException(String message) {
        super(message);
    }

    public WgQuickException(String message, Throwable cause) {
        super(message, cause);
    }
}
