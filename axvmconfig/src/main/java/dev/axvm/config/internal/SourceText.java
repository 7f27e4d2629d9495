package dev.axvm.config.internal;

import dev.axvm.config.ConfigException;
import dev.axvm.config.ConfigLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A config's bytes turned into text, refusing what is not a config: more than {@link #MAX_BYTES},
 * bytes that are not UTF-8 (TOML's encoding), files that cannot be read.
 */
public final class SourceText {
    /** The largest config accepted; AxVisor's own are a few KiB. */
    public static final int MAX_BYTES = 1 << 20;

    private SourceText() {}

    /** The text of {@code file}, named {@code source} in messages. */
    public static String read(Path file, String source) {
        if (Files.isDirectory(file)) {
            throw ConfigException.of(ConfigLocation.of(source), "file", "is a directory", "a VM config file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Reads one byte past the limit rather than trusting the size a special file reports.
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw ConfigException.of(ConfigLocation.of(source), "file", "does not exist", "a readable VM config file");
        } catch (AccessDeniedException e) {
            throw ConfigException.of(ConfigLocation.of(source), "file", "cannot be read: permission denied",
                    "a readable VM config file");
        } catch (IOException e) {
            throw ConfigException.of(ConfigLocation.of(source), "file", "cannot be read: " + Quoting.shorten(
                    String.valueOf(e.getMessage())), "a readable VM config file");
        }
        return decode(bytes, source);
    }

    /** {@code bytes} as text, or the error naming the first byte that is not UTF-8. */
    public static String decode(byte[] bytes, String source) {
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(source, bytes.length == MAX_BYTES + 1 ? "is larger than 1 MiB" : "is " + bytes.length + " bytes");
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            int offset = in.position();
            throw notUtf8(source, bytes, offset);
        }
        r = d.flush(out);
        if (r.isError()) {
            throw notUtf8(source, bytes, in.position());
        }
        out.flip();
        return withoutBom(out.toString());
    }

    /** TOML forbids a byte-order mark; editors on some systems write one anyway. */
    private static String withoutBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Text handed in rather than read: refused when too long to be a config, without a byte-order mark. */
    public static String text(String text, String source) {
        if (text.length() > MAX_BYTES) {
            throw tooLarge(source, "is larger than 1 MiB");
        }
        return withoutBom(text);
    }

    private static ConfigException tooLarge(String source, String problem) {
        return ConfigException.of(new ConfigLocation(source, 1, 1), "file", problem,
                "a VM config of at most 1 MiB; AxVisor's are a few KiB");
    }

    private static ConfigException notUtf8(String source, byte[] bytes, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column;
        try {
            // The bytes before the bad one decoded, so the column can be counted in characters.
            column = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, lineStart, offset - lineStart))
                    .codePoints().toArray().length + 1;
        } catch (CharacterCodingException e) {
            column = offset - lineStart + 1;
        }
        return ConfigException.of(new ConfigLocation(source, line, column), "file",
                String.format("byte 0x%02x at offset %d is not UTF-8 text", bytes[offset] & 0xff, offset), "a UTF-8 TOML file");
    }
}
