package io.synguard.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's bearer token: read from its file, or made (32 random bytes, hex) and written there
 * with mode 0600 when the file does not exist.
 */
public final class Tokens {
    private static final Logger LOG = LoggerFactory.getLogger(Tokens.class);

    private final byte[] token;
    private final String id;

    private Tokens(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.id = idOf(token);
    }

    /** The token in file, made first if need be. */
    public static Tokens loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                LOG.warn("{} is readable by others ({}); chmod 600 it", file, PosixFilePermissions.toString(perms));
            }
            String token = Files.readString(file).strip();
            if (token.length() < 16) {
                throw new IllegalStateException(file + " holds no usable token (need at least 16 characters)");
            }
            return new Tokens(token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token file " + file, e);
        }
    }

    /** Reads the token a client should send. */
    public static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file + " (the daemon makes it on first start)", e);
        }
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

    private static void create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".token", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, HexFormat.of().formatHex(random) + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("made a new API token in {}", file);
    }
}
