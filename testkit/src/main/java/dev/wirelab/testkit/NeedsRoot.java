package dev.wirelab.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class (or one test method) that needs root: network namespaces, TUN devices,
 * /var/run/wireguard, wg-quick. Run without root, the class fails once, before any of its tests (a
 * marked method fails alone), with a message
 * that says what it needs and how to get it ({@code sudo .ci/run}), instead of each test failing with
 * a stack trace from deep inside {@code ip} or {@code ioctl}. A failure, not a skip: a test that did
 * not run must not pass for one that did.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RootCheck.class)
public @interface NeedsRoot {
    /** What the tests do that needs root, for the message: "network namespaces and wireguard-go". */
    String value();
}
