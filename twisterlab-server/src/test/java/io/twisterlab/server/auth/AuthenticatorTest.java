package io.twisterlab.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.server.ServerConfig.ApiKey;
import io.twisterlab.server.ServerConfig.Role;
import io.twisterlab.server.ServerConfig.User;
import io.twisterlab.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    static final String KEY = "tlk_test-key";
    static final String HASH = new String(BCrypt.withDefaults().hash(4, "pw".toCharArray()), StandardCharsets.UTF_8);

    static ServerConfig.Auth auth(List<ApiKey> keys, List<User> users) {
        return new ServerConfig.Auth(true, keys, users, "s".repeat(32), Duration.ofMinutes(15), Limit.parseAll("5/1m"));
    }

    @Test
    void apiKeysMatchByHashOnly() {
        Authenticator a = new Authenticator(auth(List.of(ApiKey.of("ci", Role.OPERATOR, KEY)), List.of()), Clock.systemUTC());
        assertThat(a.authenticate("Bearer " + KEY, null)).isEqualTo(
                new Authenticator.Result.Valid(new Principal("ci", Role.OPERATOR, "api_key")));
        assertThat(a.authenticate(null, KEY)).isInstanceOf(Authenticator.Result.Valid.class);
        assertThat(a.authenticate(null, ApiKey.of("ci", Role.OPERATOR, KEY).sha256Hex())).isInstanceOf(Authenticator.Result.Invalid.class);
        assertThat(a.authenticate("Bearer ", null)).isInstanceOf(Authenticator.Result.Invalid.class);
        assertThat(a.authenticate(null, null)).isInstanceOf(Authenticator.Result.None.class);
        assertThat(a.generatedKey()).isEmpty();
    }

    @Test
    void tokensExpireAndCarryTheCurrentRole() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        User olga = new User("olga", Role.OPERATOR, HASH);
        Authenticator issuer = new Authenticator(auth(List.of(), List.of(olga)), Clock.fixed(t0, ZoneOffset.UTC));
        String token = issuer.issueToken(olga);
        assertThat(issuer.authenticate("Bearer " + token, null)).isEqualTo(
                new Authenticator.Result.Valid(new Principal("olga", Role.OPERATOR, "jwt")));

        Authenticator later = new Authenticator(auth(List.of(), List.of(olga)),
                Clock.fixed(t0.plus(Duration.ofMinutes(16)), ZoneOffset.UTC));
        assertThat(later.authenticate("Bearer " + token, null)).isInstanceOf(Authenticator.Result.Invalid.class);

        Authenticator demoted = new Authenticator(auth(List.of(), List.of(new User("olga", Role.VIEWER, HASH))),
                Clock.fixed(t0, ZoneOffset.UTC));
        assertThat(demoted.authenticate("Bearer " + token, null)).isEqualTo(
                new Authenticator.Result.Valid(new Principal("olga", Role.VIEWER, "jwt")));

        Authenticator otherSecret = new Authenticator(new ServerConfig.Auth(true, List.of(), List.of(olga),
                "t".repeat(32), Duration.ofMinutes(15), Limit.parseAll("5/1m")), Clock.fixed(t0, ZoneOffset.UTC));
        assertThat(otherSecret.authenticate("Bearer " + token, null)).isInstanceOf(Authenticator.Result.Invalid.class);
    }

    @Test
    void unsignedTokensAreRefused() {
        User olga = new User("olga", Role.ADMIN, HASH);
        Authenticator a = new Authenticator(auth(List.of(), List.of(olga)), Clock.systemUTC());
        String header = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String claims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"olga\",\"role\":\"admin\",\"iss\":\"twisterlab\",\"exp\":9999999999}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(a.authenticate("Bearer " + header + "." + claims + ".", null))
                .isInstanceOf(Authenticator.Result.Invalid.class);
    }

    @Test
    void passwords() {
        Authenticator a = new Authenticator(auth(List.of(), List.of(new User("olga", Role.VIEWER, HASH))),
                Clock.systemUTC());
        assertThat(a.checkPassword("olga", "pw".toCharArray())).isPresent();
        assertThat(a.checkPassword("olga", "nope".toCharArray())).isEmpty();
        assertThat(a.checkPassword("nobody", "pw".toCharArray())).isEmpty();
        assertThat(a.checkPassword("olga", "x".repeat(300).toCharArray())).isEmpty();
        assertThat(a.loginEnabled()).isTrue();
        assertThat(a.generatedKey()).isEmpty();
    }

    @Test
    void generatesAnAdminKeyOnlyWhenNothingIsConfigured() {
        Authenticator a = new Authenticator(auth(List.of(), List.of()), Clock.systemUTC());
        String key = a.generatedKey().orElseThrow();
        assertThat(a.authenticate("Bearer " + key, null)).isEqualTo(
                new Authenticator.Result.Valid(new Principal("admin", Role.ADMIN, "api_key")));
        assertThat(Authenticator.randomKey()).isNotEqualTo(Authenticator.randomKey()).matches("tlk_[A-Za-z0-9_-]{43}");
    }
}
