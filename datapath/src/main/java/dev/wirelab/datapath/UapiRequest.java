package dev.wirelab.datapath;

import dev.wirelab.engine.device.DeviceEdit;

/**
 * One request read from a UAPI socket (wireguard.com/xplatform): {@code get=1}, {@code set=1} with its
 * change, or a request refused before anything was changed.
 */
public sealed interface UapiRequest {
    /** {@code get=1\n\n}: reply with the device's configuration and counters. */
    record Get() implements UapiRequest {}

    /** {@code set=1\n...\n\n}: the whole change, parsed, not yet applied. */
    record Set(DeviceEdit edit) implements UapiRequest {}

    /**
     * A request refused while reading it: reply {@code errno} and change nothing.
     *
     * @param errno            negative errno for the reply (see {@link UapiErrno})
     * @param reason           for the log: what was wrong, naming the line
     * @param closeConnection  the stream is out of step (line too long, request too large, cut off,
     *                         unknown operation): reply, then close the connection
     */
    record Rejected(int errno, String reason, boolean closeConnection) implements UapiRequest {}
}
