package dev.wirelab.datapath;

import java.io.IOException;

/** A UAPI request the device answered with a nonzero errno, or a reply that was not UAPI. */
public final class UapiException extends IOException {
    private final int errno;

    public UapiException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The errno of the reply, negative as wireguard-go sends it (see {@link UapiErrno}); 0 for a garbled reply. */
    public int errno() {
        return errno;
    }
}
