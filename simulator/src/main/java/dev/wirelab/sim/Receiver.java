package dev.wirelab.sim;

/** Whatever sits at the far end of a link: a host, a NAT box, a network segment. */
public interface Receiver {
    void receive(Datagram datagram);
}
