package io.twisterlab.ratelimit.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/** Strict IP literal parsing (never a DNS lookup) and canonical formatting. */
final class IpAddresses {

    private IpAddresses() {
    }

    /**
     * @param text an IPv4 dotted quad or an IPv6 literal without zone, optionally in brackets
     * @return the address bytes (4 or 16; IPv4-mapped IPv6 becomes 4), or null if the text is not such a literal
     */
    static byte @Nullable [] parse(String text) {
        String s = text;
        if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            s = s.substring(1, s.length() - 1);
            if (s.indexOf(':') < 0) {
                return null;
            }
        }
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            return parseV4(s);
        }
        if (s.charAt(0) != ':' && Character.digit(s.charAt(0), 16) < 0) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                return null;
            }
        }
        try {
            // A text with ':' and only hex digits, ':' and '.' is parsed as a literal: no name resolution happens.
            InetAddress a = InetAddress.getByName(s);
            if (a instanceof Inet4Address || a instanceof Inet6Address) {
                return a.getAddress();
            }
            return null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte @Nullable [] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part > 3) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3 && !(digits > 0 && value == 0)) {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    /** @return dotted quad for 4 bytes, RFC 5952 text for 16 bytes */
    static String format(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
