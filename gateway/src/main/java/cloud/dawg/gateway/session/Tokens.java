package cloud.dawg.gateway.session;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Join tokens: {@code base64url(session "\n" participant "\n" role) "." base64url(HMAC-SHA256)}.
 * Every gateway replica that shares the secret accepts every other's tokens.
 */
public final class Tokens {
    /** A verified token's claims. */
    public record Claims(String sessionId, String participant, Role role) {
    }

    /** Why a token was refused. */
    public static final class InvalidTokenException extends Exception {
        public InvalidTokenException(String message) {
            super(message);
        }
    }

    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
    private final SecretKeySpec key;

    public Tokens(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the token secret must hold at least 16 bytes, got " + secret.length);
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    public String issue(String sessionId, String participant, Role role) {
        byte[] body = (sessionId + "\n" + participant + "\n" + role.wireName()).getBytes(StandardCharsets.UTF_8);
        return ENCODE.encodeToString(body) + "." + ENCODE.encodeToString(mac(body));
    }

    public Claims verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("a token is required");
        }
        int dot = token.indexOf('.');
        byte[] body, signature;
        try {
            body = DECODE.decode(token.substring(0, Math.max(0, dot)));
            signature = DECODE.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new InvalidTokenException("the token is malformed");
        }
        if (dot < 0 || !MessageDigest.isEqual(mac(body), signature)) {
            throw new InvalidTokenException("the token's signature is not valid");
        }
        String[] parts = new String(body, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 3) {
            throw new InvalidTokenException("the token is malformed");
        }
        return new Claims(parts[0], parts[1], Role.parse(parts[2]));
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
