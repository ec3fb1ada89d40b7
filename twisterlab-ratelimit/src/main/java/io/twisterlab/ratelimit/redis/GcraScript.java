package io.twisterlab.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The GCRA Lua script: one call decides one or more requests, each over all its limits, with one Redis
 * {@code TIME} as the clock of the whole call.
 *
 * <p>KEYS: the keys of every decision in order, one per limit, {@code <prefix>{<subject>}:<limitId>}, each holding
 * a TAT in microseconds. ARGV: a time override in microseconds (empty in production: only tests set it); a TTL
 * padding in milliseconds (0 in production); then per decision its cost, its number of limits {@code n}, and per
 * limit its emission interval in microseconds and its burst. Reply: per decision, in order, five values
 * {allowed (1/0), 1-based index of the deciding limit among its own, remaining, retry-after µs (-1: never),
 * reset µs}.
 *
 * <p>Decisions in one call are taken in order as if sent one by one at the same instant: a key's TAT is read once
 * ({@code GET}), carried from one decision to the next in a Lua table, and written once at the end ({@code SET}
 * with a {@code PX} TTL until the bucket is full again) if some decision consumed from it. A hot key decided 64
 * times in one call costs one {@code GET} and one {@code SET}.
 *
 * <p>Requires Redis 5 or later: the script writes after reading {@code TIME}, which Redis allows because scripts
 * are replicated by their effects (the {@code SET}s with their computed values) by default since Redis 5 (and
 * always since 7).
 *
 * <p>Every value stays below 2^53 (times are ~2^51 µs, tolerances at most 2^48 µs), so Lua's doubles are exact;
 * TATs are written with {@code %.0f} because Lua's default number formatting would round them.
 */
final class GcraScript {

    /** Values per decision in the reply. */
    static final int REPLY_WIDTH = 5;

    static final String SOURCE = String.join("\n",
            "local now",
            "if ARGV[1] ~= '' then",
            "  now = tonumber(ARGV[1])",
            "else",
            "  local t = redis.call('TIME')",
            "  now = tonumber(t[1]) * 1000000 + tonumber(t[2])",
            "end",
            "local pad = tonumber(ARGV[2])",
            "local tats, written, order, out = {}, {}, {}, {}",
            "local a, k = 3, 0",
            "while a <= #ARGV do",
            "  local cost = tonumber(ARGV[a])",
            "  local n = tonumber(ARGV[a + 1])",
            "  local mine = {}",
            "  local allowIdx, allowRem, allowReset = 0, 0, 0",
            "  local denyIdx, denyRem, denyRetry, denyReset = 0, 0, 0, 0",
            "  for i = 1, n do",
            "    local key = KEYS[k + i]",
            "    local interval = tonumber(ARGV[a + 2 * i])",
            "    local burst = tonumber(ARGV[a + 1 + 2 * i])",
            "    local tolerance = interval * burst",
            "    local tat = tats[key]",
            "    if tat == nil then",
            "      tat = tonumber(redis.call('GET', key) or 0)",
            "      if tat < now then tat = now end",
            "      tats[key] = tat",
            "    end",
            "    mine[i] = tat",
            "    local retry = 0",
            "    if cost > burst then",
            "      retry = -1",
            "    else",
            "      local allowAt = tat + cost * interval - tolerance",
            "      if allowAt > now then retry = allowAt - now end",
            "    end",
            "    if retry ~= 0 then",
            "      local longer",
            "      if denyIdx == 0 then longer = true",
            "      elseif denyRetry == -1 then longer = false",
            "      elseif retry == -1 then longer = true",
            "      else longer = retry > denyRetry end",
            "      if longer then",
            "        denyIdx = i",
            "        denyRetry = retry",
            "        denyRem = math.floor((now + tolerance - tat) / interval)",
            "        denyReset = tat - now",
            "      end",
            "    else",
            "      local newTat = tat + cost * interval",
            "      local rem = math.floor((now + tolerance - newTat) / interval)",
            "      if allowIdx == 0 or rem < allowRem then",
            "        allowIdx = i",
            "        allowRem = rem",
            "        allowReset = newTat - now",
            "      end",
            "    end",
            "  end",
            "  local o = #out",
            "  if denyIdx ~= 0 then",
            "    out[o + 1], out[o + 2], out[o + 3], out[o + 4], out[o + 5] = 0, denyIdx, denyRem, denyRetry, denyReset",
            "  else",
            "    if cost > 0 then",
            "      for i = 1, n do",
            "        local key = KEYS[k + i]",
            "        if not written[key] then written[key] = true; order[#order + 1] = key end",
            "        tats[key] = mine[i] + cost * tonumber(ARGV[a + 2 * i])",
            "      end",
            "    end",
            "    out[o + 1], out[o + 2], out[o + 3], out[o + 4], out[o + 5] = 1, allowIdx, allowRem, 0, allowReset",
            "  end",
            "  a = a + 2 + 2 * n",
            "  k = k + n",
            "end",
            "for j = 1, #order do",
            "  local key = order[j]",
            "  local tat = tats[key]",
            "  redis.call('SET', key, string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + pad)",
            "end",
            "return out",
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
