package io.twisterlab.e2e;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs for hostile-input tests: forged, expired, {@code alg: none}. */
final class Jwt {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jwt() {
    }

    static String hs256(String secret, String subject, String role, long expEpochSeconds) {
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = b64(claims(subject, role, expEpochSeconds));
        String signingInput = header + "." + payload;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsigned(String subject, String role, long expEpochSeconds) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims(subject, role, expEpochSeconds)) + ".";
    }

    private static String claims(String subject, String role, long exp) {
        long now = System.currentTimeMillis() / 1000;
        return "{\"iss\":\"twisterlab\",\"sub\":\"" + subject + "\",\"role\":\"" + role + "\",\"iat\":" + now
                + ",\"exp\":" + exp + "}";
    }

    private static String b64(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
