package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class GcraScriptTest {

    @Test
    void thePublishedSourceIsTheScriptWhoseSha1TheStoreSends() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(RedisStore.scriptSource().getBytes(StandardCharsets.UTF_8));
        assertThat(GcraScript.SHA1).isEqualTo(String.format("%040x", new BigInteger(1, digest)));
    }
}
