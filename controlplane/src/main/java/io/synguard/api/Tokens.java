package io.synguard.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The API's bearer tokens, as requests must offer them: the main one, and optionally a read-only
 * one that may only {@code GET}. Their files are {@link io.synguard.config.TokenFile}'s.
 */
public final class Tokens {
    private final byte[] token;
    private final String id;
    private final byte[] readToken;
    private final String readId;

    /** The main token alone. */
    public Tokens(String token) {
        this(token, null);
    }

    /** The main token and a read-only one; readToken null for none. */
    public Tokens(String token, String readToken) {
        if (readToken != null && readToken.equals(token)) {
            throw new IllegalArgumentException("the read-only token must differ from the main one");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.id = idOf(token);
        this.readToken = readToken == null ? null : readToken.getBytes(StandardCharsets.UTF_8);
        this.readId = readToken == null ? null : idOf(readToken);
    }

    /**
     * The id of an {@code Authorization} header's token; throws 401 unless it is one of these, 403 for
     * a write with the read-only one. Both are compared, in time that depends only on what was offered.
     */
    String authenticate(String authorization, boolean write) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "unauthorized", "send 'Authorization: Bearer <token>'; the token is in the token file");
        }
        byte[] offered = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean main = MessageDigest.isEqual(offered, token);
        boolean read = readToken != null & MessageDigest.isEqual(offered, readToken == null ? token : readToken);
        if (main) {
            return id;
        }
        if (!read) {
            throw new ApiException(401, "unauthorized", "wrong token");
        }
        if (write) {
            throw ApiException.of(readId, 403, "read_only", "this token may only read (GET); writes need the main token");
        }
        return readId;
    }

    /** A name for a token that gives nothing of it away: the start of its SHA-256. */
    static String idOf(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
