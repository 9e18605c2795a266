package dev.wirelab.engine;

/** The result of an engine operation that can refuse its input: a value, or the reason it was dropped. */
public sealed interface Outcome<T> permits Outcome.Ok, Outcome.Dropped {
    record Ok<T>(T value) implements Outcome<T> {}

    record Dropped<T>(DropReason reason) implements Outcome<T> {}

    static <T> Outcome<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Outcome<T> dropped(DropReason reason) {
        return new Dropped<>(reason);
    }
}
