package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.twisterlab.ratelimit.redis.RedisEndpoint.Node;
import io.twisterlab.ratelimit.redis.RedisEndpoint.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void parsesAStandaloneUrl() {
        RedisEndpoint e = RedisEndpoint.parse("rediss://user:s3cret@cache.example:6380/2");
        assertThat(e.topology()).isEqualTo(Topology.STANDALONE);
        assertThat(e.tls()).isTrue();
        assertThat(e.nodes()).containsExactly(new Node("cache.example", 6380));
        assertThat(e.database()).isEqualTo(2);
        assertThat(e.masterName()).isEmpty();
        assertThat(e.hasCredentials()).isTrue();
        assertThat(e.toString()).isEqualTo("rediss://***@cache.example:6380/2").doesNotContain("s3cret");
        RedisURI uri = e.lettuceUris().get(0);
        assertThat(uri.isSsl()).isTrue();
        RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
        assertThat(credentials.getUsername()).isEqualTo("user");
        assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
        assertThat(RedisEndpoint.parse("redis://localhost").nodes()).containsExactly(new Node("localhost", 6379));
        assertThat(RedisEndpoint.parse("redis://[::1]:6380").nodes()).containsExactly(new Node("::1", 6380));
    }

    @Test
    void parsesASentinelUrlInLettucesForm() {
        RedisEndpoint e = RedisEndpoint.parse("redis-sentinel://s3cret@s1:26379,s2,10.0.0.3:26380/1#mymaster");
        assertThat(e.topology()).isEqualTo(Topology.SENTINEL);
        assertThat(e.nodes()).containsExactly(new Node("s1", 26379), new Node("s2", 26379), new Node("10.0.0.3", 26380));
        assertThat(e.database()).isEqualTo(1);
        assertThat(e.masterName()).contains("mymaster");
        assertThat(e.redacted()).isEqualTo("redis-sentinel://***@s1:26379,s2:26379,10.0.0.3:26380/1#mymaster");
        List<RedisURI> uris = e.lettuceUris();
        assertThat(uris).hasSize(1);
        assertThat(uris.get(0).getSentinels()).hasSize(3);
        assertThat(uris.get(0).getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(new String(uris.get(0).getCredentialsProvider().resolveCredentials().block().getPassword()))
                .isEqualTo("s3cret");
    }

    @Test
    void parsesAClusterSeedList() {
        RedisEndpoint e = RedisEndpoint.parse("rediss-cluster://user:s3cret@a:7000, b:7001?timeout=5s");
        assertThat(e.topology()).isEqualTo(Topology.CLUSTER);
        assertThat(e.tls()).isTrue();
        assertThat(e.nodes()).containsExactly(new Node("a", 7000), new Node("b", 7001));
        assertThat(e.lettuceUris()).extracting(RedisURI::getHost, RedisURI::getPort, RedisURI::isSsl)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 7000, true),
                        org.assertj.core.groups.Tuple.tuple("b", 7001, true));
        assertThat(e.lettuceUris().get(1).getTimeout()).hasSeconds(5);
        assertThat(e.redacted()).isEqualTo("rediss-cluster://***@a:7000,b:7001");
        e.lettuceUris().get(0).setPort(1);
        assertThat(e.lettuceUris().get(0).getPort()).as("a copy each time").isEqualTo(7000);
    }

    @Test
    void rejectsInvalidUrlsWithoutQuotingTheCredentials() {
        assertInvalid("http://s3cret@redis:6379", "expected redis://", "got scheme 'http'");
        assertInvalid("s3cret@redis:6379", "without a scheme");
        assertInvalid("redis://s3cret@redis:99999", "port of host redis is not a number from 1 to 65535");
        assertInvalid("redis://:s3cret@redis:x", "not a number");
        assertInvalid("redis://:s3cret@", "empty host");
        assertInvalid("redis-cluster://:s3cret@a:7000,,b:7001", "empty host");
        assertInvalid("redis-cluster://:s3cret@a:7000/1", "database 0 only");
        assertInvalid("redis-sentinel://:s3cret@a:26379", "needs the master's name after '#'");
        assertInvalid("redis://:s3cret@a:6379#m", "only for the master name");
        assertInvalid("redis://:s3cret@a:6379,b:6379", "takes one host");
        assertInvalid("redis://:s3cret@a:6379/db", "must be a number");
        assertInvalid("redis://:s3cret@bad host:6379", "not a host name");
    }

    private static void assertInvalid(String url, String... fragments) {
        assertThatThrownBy(() -> RedisEndpoint.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(t -> assertThat(t.getMessage()).contains(fragments).doesNotContain("s3cret"));
    }
}
