package io.twisterlab.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void hidesTheUserInfoOfEveryRedisUrlForm() {
        assertThat(Redaction.message("redis.url redis://user:pw1@redis:6379/0 failed"))
                .isEqualTo("redis.url redis://***@redis:6379/0 failed");
        assertThat(Redaction.message("redis-sentinel://pw2@s1:26379,s2:26379#mymaster"))
                .isEqualTo("redis-sentinel://***@s1:26379,s2:26379#mymaster");
        assertThat(Redaction.message("rediss-cluster://:pw3@n1:7000,n2:7000"))
                .isEqualTo("rediss-cluster://***@n1:7000,n2:7000");
        // unencoded '/' and '@' in the password: everything up to the last '@' goes
        assertThat(Redaction.message("redis://:a/b@c@redis:6379")).isEqualTo("redis://***@redis:6379");
        assertThat(Redaction.message("redis://redis:6379/0")).isEqualTo("redis://redis:6379/0");
    }
}
