package dev.wirelab.datapath;

import java.lang.foreign.Arena;

/**
 * A file descriptor opened through java.lang.foreign ({@link Tun}, {@link UdpSocket}) and the native
 * scratch its owner allocated for it. Closing releases both, once; callers close only after the
 * threads that use the descriptor have stopped, since the number could be reused at once.
 */
abstract class NativeDescriptor implements AutoCloseable {
    final int fd;
    final Arena arena = Arena.ofShared();
    volatile boolean closed;

    NativeDescriptor(int fd) {
        this.fd = fd;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.close(fd);
        arena.close();
    }
}
