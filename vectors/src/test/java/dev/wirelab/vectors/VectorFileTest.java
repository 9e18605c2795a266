package dev.wirelab.vectors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A malformed vector file must stop the run with the file and field named, never read as defaults. */
class VectorFileTest {

    @Test
    void aMissingFieldIsAnErrorNotFalse() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VectorFile.load("broken/missing-valid.json", AeadVectors.File.class));
        assertTrue(e.getMessage().contains("broken/missing-valid.json: vectors[0].valid is missing"), e.getMessage());
    }

    @Test
    void anUnknownFieldIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VectorFile.load("broken/misspelt-field.json", AeadVectors.File.class));
        assertTrue(e.getMessage().contains("broken/misspelt-field.json") && e.getMessage().contains("cipher_text"), e.getMessage());
    }

    @Test
    void badHexIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VectorFile.load("broken/bad-hex.json", AeadVectors.File.class));
        assertTrue(e.getMessage().contains("broken/bad-hex.json") && e.getMessage().contains("not hex"), e.getMessage());
    }

    @Test
    void anOptionalFieldMayBeLeftOut() {
        ReplayWindowVectors.File file = VectorFile.load(ReplayWindowVectors.FILE, ReplayWindowVectors.File.class);
        assertTrue(file.sequences().getLast().steps().getFirst().n() == null);
    }
}
