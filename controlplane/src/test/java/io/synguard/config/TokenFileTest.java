package io.synguard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The token file on its own; {@code api.TokensTest} has the token as requests offer it. */
class TokenFileTest {
    @TempDir
    Path dir;

    @Test
    void eachMadeTokenIsDifferent() {
        TokenFile.loadOrCreate(dir.resolve("a"));
        TokenFile.loadOrCreate(dir.resolve("b"));
        assertNotEquals(TokenFile.read(dir.resolve("a")), TokenFile.read(dir.resolve("b")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "short\n"})
    void aFileWithoutAUsableTokenIsRefused(String content) throws IOException {
        Path file = Files.writeString(dir.resolve("token"), content);
        assertThrows(IllegalStateException.class, () -> TokenFile.loadOrCreate(file));
    }
}
