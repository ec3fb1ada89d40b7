package io.twisterlab.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The GCRA Lua script: one call decides a request over all its limits, with Redis {@code TIME} as the clock.
 *
 * <p>KEYS: one per limit, {@code <prefix>{<subject>}:<limitId>}, each holding a TAT in microseconds.
 * ARGV: cost; a time override in microseconds (empty in production: only tests set it); a TTL padding in
 * milliseconds (0 in production); then per limit its emission interval in microseconds and its burst.
 * Reply: {allowed (1/0), 1-based index of the deciding limit, remaining, retry-after µs (-1: never), reset µs}.
 *
 * <p>Requires Redis 5 or later: the script writes after reading {@code TIME}, which Redis allows because scripts
 * are replicated by their effects (the {@code SET}s with their computed values) by default since Redis 5 (and
 * always since 7). Redis 3.2/4 needed an explicit {@code redis.replicate_commands()} call, which is no longer
 * made (a per-call cost; deprecated in Redis 7).
 *
 * <p>Every value stays below 2^53 (times are ~2^51 µs, tolerances at most 2^48 µs), so Lua's doubles are exact;
 * TATs are written with {@code %.0f} because Lua's default number formatting would round them.
 */
final class GcraScript {

    static final String SOURCE = String.join("\n",
            "local cost = tonumber(ARGV[1])",
            "local now",
            "if ARGV[2] ~= '' then",
            "  now = tonumber(ARGV[2])",
            "else",
            "  local t = redis.call('TIME')",
            "  now = tonumber(t[1]) * 1000000 + tonumber(t[2])",
            "end",
            "local pad = tonumber(ARGV[3])",
            "local tats = {}",
            "local allowIdx, allowRem, allowReset = 0, 0, 0",
            "local denyIdx, denyRem, denyRetry, denyReset = 0, 0, 0, 0",
            "for i = 1, #KEYS do",
            "  local interval = tonumber(ARGV[2 + 2 * i])",
            "  local burst = tonumber(ARGV[3 + 2 * i])",
            "  local tolerance = interval * burst",
            "  local tat = tonumber(redis.call('GET', KEYS[i]) or 0)",
            "  if tat < now then tat = now end",
            "  tats[i] = tat",
            "  local retry = 0",
            "  if cost > burst then",
            "    retry = -1",
            "  else",
            "    local allowAt = tat + cost * interval - tolerance",
            "    if allowAt > now then retry = allowAt - now end",
            "  end",
            "  if retry ~= 0 then",
            "    local longer",
            "    if denyIdx == 0 then longer = true",
            "    elseif denyRetry == -1 then longer = false",
            "    elseif retry == -1 then longer = true",
            "    else longer = retry > denyRetry end",
            "    if longer then",
            "      denyIdx = i",
            "      denyRetry = retry",
            "      denyRem = math.floor((now + tolerance - tat) / interval)",
            "      denyReset = tat - now",
            "    end",
            "  else",
            "    local newTat = tat + cost * interval",
            "    local rem = math.floor((now + tolerance - newTat) / interval)",
            "    if allowIdx == 0 or rem < allowRem then",
            "      allowIdx = i",
            "      allowRem = rem",
            "      allowReset = newTat - now",
            "    end",
            "  end",
            "end",
            "if denyIdx ~= 0 then return {0, denyIdx, denyRem, denyRetry, denyReset} end",
            "if cost > 0 then",
            "  for i = 1, #KEYS do",
            "    local newTat = tats[i] + cost * tonumber(ARGV[2 + 2 * i])",
            "    local ttl = math.ceil((newTat - now) / 1000) + pad",
            "    redis.call('SET', KEYS[i], string.format('%.0f', newTat), 'PX', ttl)",
            "  end",
            "end",
            "return {1, allowIdx, allowRem, 0, allowReset}",
            "");

    static final String SHA1 = sha1(SOURCE);

    private GcraScript() {
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(40);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
