package io.twisterlab.ratelimit.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the real client IP behind reverse proxies, trusting forwarding headers only as far as the proxies
 * that wrote them are trusted.
 *
 * <ol>
 *   <li>If the socket peer is not a trusted proxy, the peer is the client: forwarding headers are ignored (any
 *       client can send them).</li>
 *   <li>Otherwise the configured header ({@code X-Forwarded-For} by default, or RFC 7239 {@code Forwarded}) is
 *       walked from right to left: trusted hops are skipped, and the first untrusted address is the client. A
 *       spoofed leftmost entry is therefore never reached while an untrusted hop stands to its right.</li>
 *   <li>A hop that is not an IP literal (garbage, empty, {@code unknown}, obfuscated {@code _name}, a host name,
 *       a zone id) stops the walk: the answer is the nearest trusted address seen so far, never a client-chosen
 *       value. If every hop is trusted, the leftmost one is returned.</li>
 * </ol>
 * Only the configured header is read: a proxy that appends to {@code X-Forwarded-For} passes a client's forged
 * {@code Forwarded} header through untouched. Several header lines must be joined with {@code ","} in order.
 * Addresses are returned canonical: dotted IPv4, RFC 5952 IPv6, IPv4-mapped IPv6 as IPv4; ports and brackets
 * dropped. Trusted proxies are IPv4 or IPv6 CIDRs (a bare address is a single host).
 *
 * <pre>{@code
 * ClientIpResolver ips = ClientIpResolver.of("10.0.0.0/8, fd00::/8");
 * String client = ips.resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"), ctx.header("Forwarded"));
 * }</pre>
 */
public final class ClientIpResolver {

    /** Which forwarding header the trusted proxies write. */
    public enum Header {
        /** {@code X-Forwarded-For: client, proxy1, proxy2}. */
        X_FORWARDED_FOR,
        /** RFC 7239 {@code Forwarded: for=client, for="[2001:db8::1]:4711"}. */
        FORWARDED
    }

    private final List<Cidr> trusted;
    private final Header header;

    private ClientIpResolver(List<Cidr> trusted, Header header) {
        this.trusted = List.copyOf(trusted);
        this.header = header;
    }

    /**
     * @param trustedCidrs comma-separated CIDRs, e.g. {@code 10.0.0.0/8,127.0.0.1,::1/128}; blank trusts nobody
     * @return a resolver reading {@code X-Forwarded-For}
     * @throws IllegalArgumentException naming the invalid CIDR
     */
    public static ClientIpResolver of(String trustedCidrs) {
        return builder().trust(trustedCidrs).build();
    }

    /** @return a builder that trusts nobody and reads {@code X-Forwarded-For} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param peer           the socket peer address (as given by the server, with or without brackets)
     * @param xForwardedFor  the {@code X-Forwarded-For} value, or null
     * @param forwarded      the {@code Forwarded} value, or null
     * @return the client address, canonical
     */
    public String resolve(String peer, @Nullable String xForwardedFor, @Nullable String forwarded) {
        Objects.requireNonNull(peer, "peer");
        byte[] peerAddress = IpAddresses.parse(peer.strip());
        if (peerAddress == null) {
            return peer.strip();
        }
        String current = IpAddresses.format(peerAddress);
        if (!isTrusted(peerAddress)) {
            return current;
        }
        String value = header == Header.X_FORWARDED_FOR ? xForwardedFor : forwarded;
        if (value == null || value.isBlank()) {
            return current;
        }
        List<@Nullable String> hops = header == Header.X_FORWARDED_FOR ? xffHops(value) : forwardedHops(value);
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            byte[] address = hop == null ? null : IpAddresses.parse(hop);
            if (address == null) {
                return current;
            }
            current = IpAddresses.format(address);
            if (!isTrusted(address)) {
                return current;
            }
        }
        return current;
    }

    /**
     * @param address an IP literal
     * @return whether it falls in a trusted CIDR (false for anything that is not an IP literal)
     */
    public boolean isTrusted(String address) {
        byte[] a = IpAddresses.parse(address.strip());
        return a != null && isTrusted(a);
    }

    private boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** X-Forwarded-For entries, with an optional port ({@code 1.2.3.4:80}, {@code [v6]:80}) removed. */
    private static List<@Nullable String> xffHops(String value) {
        List<@Nullable String> hops = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            hops.add(stripPort(raw.strip()));
        }
        return hops;
    }

    private static @Nullable String stripPort(String s) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !validPort(rest)) {
                return null;
            }
            return s.substring(0, close + 1);
        }
        int colon = s.indexOf(':');
        if (colon >= 0 && colon == s.lastIndexOf(':')) {
            return validPort(s.substring(colon)) ? s.substring(0, colon) : null;
        }
        return s;
    }

    private static boolean validPort(String colonAndPort) {
        if (colonAndPort.length() < 2 || colonAndPort.length() > 6 || colonAndPort.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonAndPort.length(); i++) {
            if (!Character.isDigit(colonAndPort.charAt(i))) {
                return false;
            }
        }
        return Integer.parseInt(colonAndPort.substring(1)) <= 65535;
    }

    /**
     * The {@code for=} value of each RFC 7239 element, null for an element without exactly one valid {@code for}.
     * A syntax error anywhere (unterminated quote) makes the whole header one malformed hop.
     */
    private static List<@Nullable String> forwardedHops(String value) {
        List<@Nullable String> hops = new ArrayList<>();
        List<List<String>> elements = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        StringBuilder pair = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) {
                    pair.append(c).append(value.charAt(++i));
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                }
                pair.append(c);
            } else if (c == '"') {
                quoted = true;
                pair.append(c);
            } else if (c == ';' || c == ',') {
                pairs.add(pair.toString().strip());
                pair.setLength(0);
                if (c == ',') {
                    elements.add(pairs);
                    pairs = new ArrayList<>();
                }
            } else {
                pair.append(c);
            }
        }
        if (quoted) {
            hops.add(null);
            return hops;
        }
        pairs.add(pair.toString().strip());
        elements.add(pairs);
        for (List<String> element : elements) {
            hops.add(forValue(element));
        }
        return hops;
    }

    private static @Nullable String forValue(List<String> element) {
        String found = null;
        for (String p : element) {
            int eq = p.indexOf('=');
            if (eq <= 0 || !p.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
                continue;
            }
            if (found != null) {
                return null;
            }
            String v = p.substring(eq + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
            } else if (v.indexOf(':') >= 0 || v.indexOf('[') >= 0) {
                return null; // RFC 7239: IPv6 and ports must be quoted
            }
            found = v;
        }
        if (found == null) {
            return null;
        }
        if (found.startsWith("[")) {
            return stripPort(found);
        }
        // RFC 7239 node: IPv4 with optional port; anything else ("unknown", "_obfuscated", bare IPv6) is no IP.
        return found.indexOf(':') >= 0 && found.indexOf(':') != found.lastIndexOf(':') ? null : stripPort(found);
    }

    /** One trusted network. */
    private record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String s = text.strip();
            int slash = s.indexOf('/');
            String addressPart = slash < 0 ? s : s.substring(0, slash);
            byte[] address = IpAddresses.parse(addressPart);
            if (address == null) {
                throw new IllegalArgumentException("invalid trusted proxy '" + text + "': '" + addressPart
                        + "' is not an IP address");
            }
            boolean mapped = address.length == 4 && addressPart.indexOf(':') >= 0;
            int max = address.length * 8;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid trusted proxy '" + text + "': bad prefix length", e);
                }
                if (mapped) {
                    prefix -= 96;
                }
                if (prefix < 0 || prefix > max) {
                    throw new IllegalArgumentException("invalid trusted proxy '" + text + "': prefix length out of range");
                }
            }
            return new Cidr(address, prefix);
        }

        boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr c && prefix == c.prefix && java.util.Arrays.equals(network, c.network);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(network) * 31 + prefix;
        }

        @Override
        public String toString() {
            return IpAddresses.format(network) + "/" + prefix;
        }
    }

    /** Builds a {@link ClientIpResolver}. */
    public static final class Builder {
        private final List<Cidr> trusted = new ArrayList<>();
        private Header header = Header.X_FORWARDED_FOR;

        private Builder() {
        }

        /**
         * @param cidrs one or more comma-separated CIDRs or addresses; blank adds nothing
         * @return this builder
         * @throws IllegalArgumentException naming the invalid entry
         */
        public Builder trust(String cidrs) {
            for (String part : cidrs.split(",")) {
                if (!part.isBlank()) {
                    trusted.add(Cidr.parse(part));
                }
            }
            return this;
        }

        /**
         * @param header the forwarding header the trusted proxies write
         * @return this builder
         */
        public Builder header(Header header) {
            this.header = Objects.requireNonNull(header, "header");
            return this;
        }

        /** @return the resolver */
        public ClientIpResolver build() {
            return new ClientIpResolver(trusted, header);
        }
    }
}
