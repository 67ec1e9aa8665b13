package io.synguard.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The API's bearer token, as requests must offer it. Its file is {@link io.synguard.config.TokenFile}'s.
 */
public final class Tokens {
    private final byte[] token;
    private final String id;

    public Tokens(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.id = idOf(token);
    }

    /** The id of an {@code Authorization} header's token; throws 401 unless it is this one. */
    String authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "unauthorized", "send 'Authorization: Bearer <token>'; the token is in the token file");
        }
        byte[] offered = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(offered, token)) {
            throw new ApiException(401, "unauthorized", "wrong token");
        }
        return id;
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
