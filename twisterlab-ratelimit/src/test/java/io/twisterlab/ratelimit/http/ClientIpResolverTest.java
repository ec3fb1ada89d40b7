package io.twisterlab.ratelimit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClientIpResolverTest {

    private static final String TRUSTED = "10.0.0.0/8, 127.0.0.1, 2001:db8:ffff::/48, ::ffff:192.168.0.0/112";

    private final ClientIpResolver xff = ClientIpResolver.of(TRUSTED);
    private final ClientIpResolver forwarded = ClientIpResolver.builder().trust(TRUSTED)
            .header(ClientIpResolver.Header.FORWARDED).build();

    @ParameterizedTest(name = "[{index}] peer {0}, X-Forwarded-For <{1}> -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            203.0.113.9        | 1.2.3.4                                | 203.0.113.9
            203.0.113.9        | NULL                                   | 203.0.113.9
            10.0.0.1           | NULL                                   | 10.0.0.1
            10.0.0.1           | ''                                     | 10.0.0.1
            10.0.0.1           | 198.51.100.7                           | 198.51.100.7
            10.0.0.1           | 1.2.3.4, 198.51.100.7                  | 198.51.100.7
            10.0.0.1           | 198.51.100.7, 10.0.0.5                 | 198.51.100.7
            10.0.0.1           | 6.6.6.6, 198.51.100.7, 10.0.0.5, 10.9.9.9 | 198.51.100.7
            10.0.0.1           | garbage                                | 10.0.0.1
            10.0.0.1           | 1.2.3.4, garbage                       | 10.0.0.1
            10.0.0.1           | garbage, 198.51.100.7                  | 198.51.100.7
            10.0.0.1           | 1.2.3.4, not-an-ip, 10.0.0.9           | 10.0.0.9
            10.0.0.1           | 1.2.3.4,,10.0.0.2                      | 10.0.0.2
            10.0.0.1           | 999.1.1.1                              | 10.0.0.1
            10.0.0.1           | 01.2.3.4                               | 10.0.0.1
            10.0.0.1           | 1.2.3                                  | 10.0.0.1
            10.0.0.1           | localhost                              | 10.0.0.1
            10.0.0.1           | .:1                                    | 10.0.0.1
            10.0.0.1           | fe80::1%eth0                           | 10.0.0.1
            10.0.0.1           | 198.51.100.7:8080                      | 198.51.100.7
            10.0.0.1           | 198.51.100.7:99999                     | 10.0.0.1
            10.0.0.1           | 2001:db8::1                            | 2001:db8::1
            10.0.0.1           | [2001:db8::1]:443                      | 2001:db8::1
            10.0.0.1           | 2001:DB8:0:0:0:0:0:2                   | 2001:db8::2
            10.0.0.1           | 2001:db8:0:0:1:0:0:1                   | 2001:db8::1:0:0:1
            10.0.0.1           | ::ffff:198.51.100.7                    | 198.51.100.7
            10.0.0.1           | 127.0.0.1                              | 127.0.0.1
            ::ffff:10.0.0.1    | 198.51.100.7                           | 198.51.100.7
            ::ffff:203.0.113.9 | 198.51.100.7                           | 203.0.113.9
            192.168.3.4        | 198.51.100.7                           | 198.51.100.7
            [2001:db8:ffff::1] | 2001:db8::7, 2001:db8:ffff::9          | 2001:db8::7
            2001:db8:ffff:0:0:0:0:1 | 198.51.100.7                      | 198.51.100.7
            0:0:0:0:0:0:0:1    | 198.51.100.7                           | ::1
            """)
    void resolvesXForwardedFor(String peer, String header, String expected) {
        assertThat(xff.resolve(peer, header, "for=6.6.6.6")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] peer {0}, Forwarded <{1}> -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            203.0.113.9 | for=198.51.100.7                                        | 203.0.113.9
            10.0.0.1    | for=198.51.100.7                                        | 198.51.100.7
            10.0.0.1    | For="198.51.100.7:8080"                                 | 198.51.100.7
            10.0.0.1    | for="[2001:db8::7]:4711"                                | 2001:db8::7
            10.0.0.1    | for="[2001:db8::7]"                                     | 2001:db8::7
            10.0.0.1    | for=2001:db8::7                                         | 10.0.0.1
            10.0.0.1    | for=1.2.3.4, for=198.51.100.7;proto=https;by=10.0.0.1   | 198.51.100.7
            10.0.0.1    | for=198.51.100.7, for=10.0.0.3                          | 198.51.100.7
            10.0.0.1    | for=unknown                                             | 10.0.0.1
            10.0.0.1    | for=_hidden, for=10.0.0.3                               | 10.0.0.3
            10.0.0.1    | for=198.51.100.7, for=_hidden                           | 10.0.0.1
            10.0.0.1    | for="198.51.100.7                                       | 10.0.0.1
            10.0.0.1    | proto=https                                             | 10.0.0.1
            10.0.0.1    | for=198.51.100.7;for=1.2.3.4                            | 10.0.0.1
            10.0.0.1    | for="_x,y", for=198.51.100.7                            | 198.51.100.7
            10.0.0.1    | for="\\"1.2.3.4", for=10.0.0.3                          | 10.0.0.3
            10.0.0.1    | NULL                                                    | 10.0.0.1
            """)
    void resolvesForwarded(String peer, String header, String expected) {
        assertThat(forwarded.resolve(peer, "6.6.6.6", header)).isEqualTo(expected);
    }

    @Test
    void readsOnlyTheConfiguredHeader() {
        assertThat(xff.resolve("10.0.0.1", null, "for=198.51.100.7")).isEqualTo("10.0.0.1");
        assertThat(forwarded.resolve("10.0.0.1", "198.51.100.7", null)).isEqualTo("10.0.0.1");
    }

    @Test
    void trustsNobodyByDefault() {
        assertThat(ClientIpResolver.of("").resolve("10.0.0.1", "198.51.100.7", null)).isEqualTo("10.0.0.1");
    }

    @Test
    void checksTrust() {
        assertThat(xff.isTrusted("10.255.0.1")).isTrue();
        assertThat(xff.isTrusted("11.0.0.1")).isFalse();
        assertThat(xff.isTrusted("2001:db8:ffff:1::1")).isTrue();
        assertThat(xff.isTrusted("2001:db8:fffe::1")).isFalse();
        assertThat(xff.isTrusted("::ffff:192.168.1.1")).isTrue();
        assertThat(xff.isTrusted("not an ip")).isFalse();
    }

    @Test
    void rejectsInvalidTrustedProxiesByName() {
        assertThatThrownBy(() -> ClientIpResolver.of("10.0.0.0/8, 10.0.0.0/33"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> ClientIpResolver.of("proxy.internal"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy.internal");
        assertThatThrownBy(() -> ClientIpResolver.of("10.0.0.0/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/x");
    }
}
