package dev.wirelab.datapath;

/**
 * The errno values a UAPI reply carries ({@code errno=N}), negative as wireguard-go sends them
 * (ipc/uapi_unix.go: IpcErrorIO, IpcErrorProtocol, IpcErrorInvalid, IpcErrorPortInUse,
 * IpcErrorUnknown); {@code wg} reads either sign. Linux numbering.
 */
public final class UapiErrno {
    public static final int OK = 0;
    /** Reading or writing the socket failed. */
    public static final int EIO = -5;
    /** A malformed request: a line without '=', a request cut off before its empty line. */
    public static final int EPROTO = -71;
    /** A well-formed line the device cannot take: unknown key, bad hex, number out of range, too long. */
    public static final int EINVAL = -22;
    /** The listen port is taken (for the UDP driver, not used yet). */
    public static final int EADDRINUSE = -98;
    /** Anything else (wireguard-go's IpcErrorUnknown, ENOANO). */
    public static final int ENOANO = -55;

    private UapiErrno() {}
}
