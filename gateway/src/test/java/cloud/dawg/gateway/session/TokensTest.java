package cloud.dawg.gateway.session;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokensTest {
    private final Tokens tokens = new Tokens("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void shouldReturnTheClaimsOfATokenItIssued() throws Exception {
        Tokens.Claims c = tokens.verify(tokens.issue("s1", "alice", Role.EDITOR));
        assertEquals(new Tokens.Claims("s1", "alice", Role.EDITOR), c);
    }

    @Test
    void shouldRejectATokenSignedWithAnotherKey() {
        String foreign = new Tokens("another key of at least 16 bytes".getBytes()).issue("s1", "alice", Role.OWNER);
        assertEquals("the token's signature is not valid",
                assertThrows(Tokens.InvalidTokenException.class, () -> tokens.verify(foreign)).getMessage());
    }

    @Test
    void shouldRejectATokenWhoseClaimsWereEdited() {
        String token = tokens.issue("s1", "lou", Role.LISTENER);
        String body = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("s1\nlou\nowner".getBytes());
        String edited = body + token.substring(token.indexOf('.'));
        assertThrows(Tokens.InvalidTokenException.class, () -> tokens.verify(edited));
    }

    @Test
    void shouldRejectMissingAndMalformedTokens() {
        assertThrows(Tokens.InvalidTokenException.class, () -> tokens.verify(null));
        assertThrows(Tokens.InvalidTokenException.class, () -> tokens.verify("no-dot"));
        assertThrows(Tokens.InvalidTokenException.class, () -> tokens.verify("!!.??"));
    }
}
