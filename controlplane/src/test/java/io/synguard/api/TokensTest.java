package io.synguard.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.synguard.config.TokenFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokensTest {
    private static final String TOKEN = "existing-token-0123456789";

    @TempDir
    Path dir;

    /** Writes a token file as its owner alone may read it. */
    static Path writeToken(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void anAbsentFileIsMadeWithARandomHexTokenAndMode0600() throws IOException {
        Path file = dir.resolve("state/token");
        Tokens tokens = new Tokens(TokenFile.loadOrCreate(file));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = TokenFile.read(file);
        assertTrue(token.matches("[0-9a-f]{64}"), token);
        assertEquals(Tokens.idOf(token), tokens.authenticate("Bearer " + token, true));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void anExistingTokenIsReadAndLeftAlone() throws IOException {
        Path file = writeToken(dir.resolve("token"), TOKEN + "\n");
        Tokens tokens = new Tokens(TokenFile.loadOrCreate(file));
        assertEquals(Tokens.idOf(TOKEN), tokens.authenticate("Bearer " + TOKEN, true));
        assertEquals(TOKEN + "\n", Files.readString(file));
        assertEquals(TOKEN, TokenFile.read(file));
    }

    @Test
    void aTokenMadeEarlierIsTheOneReadLater() {
        Path file = dir.resolve("token");
        TokenFile.loadOrCreate(file);
        String token = TokenFile.read(file);
        assertEquals(Tokens.idOf(token), new Tokens(TokenFile.loadOrCreate(file)).authenticate("Bearer " + token, true));
    }

    @Test
    void theTokenIdGivesNothingOfTheTokenAway() {
        Tokens tokens = new Tokens(TOKEN);
        String id = tokens.authenticate("Bearer " + TOKEN, true);
        assertTrue(id.matches("[0-9a-f]{8}"), id);
        assertFalse(TOKEN.contains(id));
        assertNotEquals(Tokens.idOf(TOKEN + "x"), id);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer wrong", "Bearer " + TOKEN + "x", "Bearer existing-token-012345678",
            "Bearer EXISTING-TOKEN-0123456789", "Basic " + TOKEN, TOKEN, "Bearer" + TOKEN, "Token " + TOKEN})
    void aMissingOrWrongAuthorizationIs401(String authorization) {
        Tokens tokens = new Tokens(TOKEN);
        ApiException e = assertThrows(ApiException.class, () -> tokens.authenticate(authorization, true));
        assertEquals(401, e.status());
        assertFalse(e.getMessage().contains(TOKEN), "the message does not echo the token");
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() {
        Tokens tokens = new Tokens(TOKEN);
        assertEquals(Tokens.idOf(TOKEN), tokens.authenticate("bearer " + TOKEN, true));
    }

    @Test
    void aTokenFileOthersMayReadIsUsedWithAWarning() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), TOKEN);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Logger logger = (Logger) LoggerFactory.getLogger(TokenFile.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        try {
            assertEquals(Tokens.idOf(TOKEN), new Tokens(TokenFile.loadOrCreate(file)).authenticate("Bearer " + TOKEN, true));
        } finally {
            logger.detachAppender(warnings);
        }
        assertEquals(1, warnings.list.size());
        assertEquals(Level.WARN, warnings.list.getFirst().getLevel());
        assertTrue(warnings.list.getFirst().getFormattedMessage().contains("chmod 600"));
    }
}
