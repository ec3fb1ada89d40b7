package io.twisterlab.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.twisterlab.server.ServerConfig.ApiKey;
import io.twisterlab.server.ServerConfig.Role;
import io.twisterlab.server.ServerConfig.User;
import io.twisterlab.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Verifies API keys (SHA-256, compared in constant time against every configured hash) and HS256 JWTs, and
 * checks login passwords against bcrypt hashes. Never logs or stores a presented secret.
 */
public final class Authenticator {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ISSUER = "twisterlab";
    /** Passwords longer than bcrypt's 72 bytes are truncated, as other bcrypt implementations do, never refused. */
    private static final BCrypt.Verifyer VERIFYER = BCrypt.verifyer(BCrypt.Version.VERSION_2A,
            LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A));

    /** Outcome of reading a request's credentials. */
    public sealed interface Result {
        /** No credentials were presented. */
        record None() implements Result {
        }

        /** Credentials were presented and are valid. */
        record Valid(Principal principal) implements Result {
        }

        /** Credentials were presented but are wrong, expired or malformed. */
        record Invalid(String reason) implements Result {
        }
    }

    private final boolean enabled;
    private final List<ApiKey> keys;
    private final List<byte[]> hashes;
    private final List<User> users;
    private final byte[] jwtSecret;
    private final java.time.Duration jwtTtl;
    private final Clock clock;
    private final @Nullable String generatedKey;
    /** A bcrypt hash of a random password at the users' cost, checked for unknown users: same timing. */
    private final byte[] dummyHash;

    public Authenticator(ServerConfig.Auth auth, Clock clock) {
        this.enabled = auth.enabled();
        List<ApiKey> k = new ArrayList<>(auth.apiKeys());
        String generated = null;
        if (enabled && k.isEmpty() && auth.users().isEmpty()) {
            generated = randomKey();
            k.add(ApiKey.of("admin", Role.ADMIN, generated));
        }
        this.generatedKey = generated;
        this.keys = List.copyOf(k);
        this.hashes = keys.stream().map(key -> HexFormat.of().parseHex(key.sha256Hex())).toList();
        this.users = auth.users();
        int cost = users.stream().mapToInt(u -> Integer.parseInt(u.bcryptHash().substring(4, 6))).max().orElse(4);
        this.dummyHash = BCrypt.withDefaults().hash(Math.max(4, Math.min(cost, 31)),
                randomKey().substring(0, 40).getBytes(StandardCharsets.UTF_8));
        byte[] secret = auth.jwtSecret() == null ? null : auth.jwtSecret().getBytes(StandardCharsets.UTF_8);
        if (secret == null) {
            secret = new byte[32];
            RANDOM.nextBytes(secret);
        }
        this.jwtSecret = secret;
        this.jwtTtl = auth.jwtTtl();
        this.clock = clock;
    }

    /** A new random API key: {@code tlk_} and 43 base64url characters (256 bits). */
    public static String randomKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "tlk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** The admin key generated because none was configured; empty otherwise. Printed once at start-up. */
    public Optional<String> generatedKey() {
        return Optional.ofNullable(generatedKey);
    }

    public boolean loginEnabled() {
        return !users.isEmpty();
    }

    /**
     * Reads {@code Authorization: Bearer <key or JWT>} or {@code X-API-Key}.
     *
     * @param authorization the Authorization header or null
     * @param apiKeyHeader  the X-API-Key header or null
     */
    public Result authenticate(@Nullable String authorization, @Nullable String apiKeyHeader) {
        if (!enabled) {
            return new Result.Valid(new Principal("anonymous", Role.ADMIN, "none"));
        }
        String credential = null;
        if (authorization != null && !authorization.isBlank()) {
            String a = authorization.strip();
            if (a.length() < 7 || !a.substring(0, 7).equalsIgnoreCase("bearer ")) {
                return new Result.Invalid("unsupported Authorization scheme; use Bearer");
            }
            credential = a.substring(7).strip();
        } else if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            credential = apiKeyHeader.strip();
        }
        if (credential == null) {
            return new Result.None();
        }
        if (credential.isEmpty() || credential.length() > 4096) {
            return new Result.Invalid("malformed credentials");
        }
        if (credential.chars().filter(c -> c == '.').count() == 2) {
            return verifyJwt(credential);
        }
        return verifyKey(credential);
    }

    private Result verifyKey(String key) {
        byte[] presented = sha256(key.getBytes(StandardCharsets.UTF_8));
        ApiKey match = null;
        for (int i = 0; i < hashes.size(); i++) {
            // constant time per comparison, and every key is compared
            if (MessageDigest.isEqual(presented, hashes.get(i)) && match == null) {
                match = keys.get(i);
            }
        }
        return match == null ? new Result.Invalid("unknown API key")
                : new Result.Valid(new Principal(match.name(), match.role(), "api_key"));
    }

    private Result verifyJwt(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
                return new Result.Invalid("unsupported token algorithm");
            }
            JWSVerifier verifier = new MACVerifier(jwtSecret);
            if (!jwt.verify(verifier)) {
                return new Result.Invalid("invalid token signature");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            if (exp == null || !exp.toInstant().isAfter(clock.instant()) || !ISSUER.equals(claims.getIssuer())) {
                return new Result.Invalid("token expired or not issued here");
            }
            String subject = claims.getSubject();
            String role = claims.getStringClaim("role");
            if (subject == null || role == null) {
                return new Result.Invalid("token lacks subject or role");
            }
            User user = users.stream().filter(u -> u.name().equals(subject)).findFirst().orElse(null);
            if (user == null) {
                return new Result.Invalid("token subject is no longer configured");
            }
            // the role is re-read from configuration: a token never grants more than the user has now
            return new Result.Valid(new Principal(user.name(), user.role(), "jwt"));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return new Result.Invalid("malformed token");
        }
    }

    /**
     * Checks a password; always runs one bcrypt verification, even for unknown users.
     *
     * @return the user, or empty for a wrong name or password
     */
    public Optional<User> checkPassword(String username, char[] password) {
        User user = users.stream().filter(u -> u.name().equals(username)).findFirst().orElse(null);
        byte[] hash = user == null ? dummyHash : user.bcryptHash().getBytes(StandardCharsets.UTF_8);
        boolean ok;
        try {
            ok = VERIFYER.verify(password, hash).verified;
        } catch (IllegalArgumentException e) {
            ok = false; // a malformed configured hash never authenticates
        }
        return ok && user != null ? Optional.of(user) : Optional.empty();
    }

    /** Issues a signed token for a user whose password was checked. */
    public String issueToken(User user) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(user.name())
                .claim("role", user.role().name().toLowerCase(Locale.ROOT))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(jwtTtl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(jwtSecret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    public java.time.Duration tokenTtl() {
        return jwtTtl;
    }
}
