package dev.wirelab.datapath.config;

/**
 * A wg-quick configuration file that cannot be used. The message is meant for the person who wrote
 * the file: {@code FILE:LINE: FIELD: what is wrong; what to do}, as in
 * {@code wg0.conf:7: PublicKey: not 32 bytes of base64 (got 31); generate one with `wirelab genkey | wirelab pubkey`}.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final String field;

    /**
     * @param line   1-based line number, or 0 when the problem is the file as a whole
     * @param field  the key as the file spells it, or a section name
     */
    public ConfigException(String file, int line, String field, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public String file() {
        return file;
    }

    /** 1-based; 0 when the problem is not on one line. */
    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
