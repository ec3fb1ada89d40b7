package io.twisterlab.ratelimit.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimitStoreException;
import io.twisterlab.ratelimit.Ticker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>An instance sends the script for one store: it encodes each limit's arguments once ({@link #encode(Limit)}),
 * sends {@code EVALSHA} (and {@code EVAL} on {@code NOSCRIPT}) with the arguments written straight as Redis
 * protocol, and decodes the reply into a {@code long[]} without boxing ({@link #decode}).
 */
final class GcraScript {

    private static final Logger LOG = LoggerFactory.getLogger(GcraScript.class);

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

    /** Most distinct limits whose encoding is kept: callers that build limits per request must not grow the map. */
    private static final int MAX_ENCODINGS = 1024;

    /** {@link #digits(long)} of 0..15: the usual costs and limit counts. */
    private static final byte[][] SMALL_NUMBERS = new byte[16][];

    static {
        for (int i = 0; i < SMALL_NUMBERS.length; i++) {
            SMALL_NUMBERS[i] = Long.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final String storeName;
    private final @Nullable Ticker testClock;
    private final byte[] ttlPaddingMillis;
    /** Told about each limit before its first encoding, and may reject it. */
    private final Consumer<Limit> firstUse;
    private final ConcurrentHashMap<Limit, LimitArgs> encodings = new ConcurrentHashMap<>();
    /** The last limit encoded, compared by identity: callers pass the same configured instance every time. */
    private volatile @Nullable LimitArgs lastEncoded;

    /**
     * @param storeName        for logs
     * @param testClock        tests only: replaces Redis {@code TIME}; null in production
     * @param ttlPaddingMillis tests only: added to every TTL; 0 in production
     * @param firstUse         validates a limit the first time it is encoded
     */
    GcraScript(String storeName, @Nullable Ticker testClock, long ttlPaddingMillis, Consumer<Limit> firstUse) {
        this.storeName = storeName;
        this.testClock = testClock;
        this.ttlPaddingMillis = digits(ttlPaddingMillis);
        this.firstUse = firstUse;
    }

    /**
     * What a decision sends for one limit, computed once per limit instead of once per call: numbers as their ASCII
     * digits, which Lettuce copies as they are (a {@code long} argument would be formatted again on every call).
     */
    static final class LimitArgs {
        final Limit limit;
        final String keySuffix;
        final byte[] interval;
        final byte[] burst;

        LimitArgs(Limit limit) {
            this.limit = limit;
            this.keySuffix = "}:" + limit.id();
            this.interval = digits(limit.emissionIntervalMicros());
            this.burst = digits(limit.burst());
        }
    }

    private static byte[] digits(long n) {
        return n >= 0 && n < SMALL_NUMBERS.length ? SMALL_NUMBERS[(int) n]
                : Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    /** The arguments of {@code limit}: the last ones if it is the same instance, else from the map (bounded). */
    @SuppressWarnings("ReferenceEquality") // an identity cache: an equal Limit of another instance takes the map
    LimitArgs encode(Limit limit) {
        LimitArgs e = lastEncoded;
        if (e != null && e.limit == limit) {
            return e;
        }
        e = encodings.get(limit);
        if (e == null) {
            firstUse.accept(limit);
            e = new LimitArgs(limit);
            if (encodings.size() < MAX_ENCODINGS) {
                LimitArgs previous = encodings.putIfAbsent(limit, e);
                if (previous != null) {
                    e = previous;
                }
            }
        }
        if (e.limit == limit) {
            lastEncoded = e;
        }
        return e;
    }

    /**
     * One {@code EVALSHA} deciding {@code members} in order; on {@code NOSCRIPT}, one {@code EVAL} that also reloads
     * the script.
     *
     * @param keyCount the number of keys of all members together
     * @return the whole reply, {@value #REPLY_WIDTH} values per member
     */
    CompletableFuture<long[]> call(BaseRedisAsyncCommands<String, String> commands,
                                   List<DecisionBatcher.Pending> members, int keyCount) {
        long timeOverride = testClock == null ? -1 : testClock.read() / 1000L;
        return commands.dispatch(CommandType.EVALSHA, new ReplyOutput(), args(SHA1, members, keyCount, timeOverride))
                .toCompletableFuture()
                .exceptionallyCompose(e -> {
                    if (!isNoScript(e)) {
                        return CompletableFuture.failedFuture(e);
                    }
                    LOG.info("rate-limit store '{}': script not cached in Redis, sending it again", storeName);
                    return commands.dispatch(CommandType.EVAL, new ReplyOutput(),
                            args(SOURCE, members, keyCount, timeOverride)).toCompletableFuture();
                });
    }

    /** @return {@code SCRIPT LOAD} of the script, so that the first {@code EVALSHA} finds it */
    static CompletableFuture<String> load(BaseRedisAsyncCommands<String, String> commands) {
        return commands.dispatch(CommandType.SCRIPT, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add(CommandKeyword.LOAD).add(SOURCE)).toCompletableFuture();
    }

    /**
     * The script's arguments, built directly as Redis protocol arguments: numbers as precomputed ASCII digits and
     * strings as UTF-8, copied straight into the output buffer (going through the codec would encode each value
     * into a temporary pooled buffer first, the largest cost of a call on the event loop).
     */
    private CommandArgs<String, String> args(String script, List<DecisionBatcher.Pending> members, int keyCount,
                                             long timeOverride) {
        CommandArgs<String, String> args = new WrittenArgs(members).add(script).add(keyCount);
        for (DecisionBatcher.Pending p : members) {
            for (String key : p.keys) {
                args.addKey(key);
            }
        }
        if (timeOverride < 0) {
            args.add("");
        } else {
            args.add(timeOverride);
        }
        args.add(ttlPaddingMillis);
        for (DecisionBatcher.Pending p : members) {
            args.add(digits(p.cost)).add(digits(p.limits.length));
            for (LimitArgs e : p.limits) {
                args.add(e.interval).add(e.burst);
            }
        }
        return args;
    }

    /**
     * Arguments that note when Lettuce writes them: {@link #encode(ByteBuf)} runs on the event loop as the command
     * goes out, so the members' {@link DecisionBatcher.Pending#writtenNanos} separate the time spent in this JVM
     * (queued behind calls in flight, waiting for a busy event loop) from the time Redis takes to answer.
     */
    private static final class WrittenArgs extends CommandArgs<String, String> {
        private final List<DecisionBatcher.Pending> members;

        WrittenArgs(List<DecisionBatcher.Pending> members) {
            super(StringCodec.UTF8);
            this.members = members;
        }

        @Override
        public void encode(ByteBuf buf) {
            long now = System.nanoTime() | 1L; // never 0, which means "not written yet"
            for (DecisionBatcher.Pending p : members) {
                if (p.writtenNanos == 0) {
                    p.writtenNanos = now;
                }
            }
            super.encode(buf);
        }
    }

    private static boolean isNoScript(Throwable e) {
        Throwable c = FailureHandling.cause(e);
        return c instanceof RedisNoScriptException
                || (c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT"));
    }

    /**
     * @param reply  a call's whole reply, its length already checked
     * @param at     where this decision's values start
     * @param limits this decision's limits
     * @return the decision
     * @throws RateLimitStoreException if the reply names no limit of the decision
     */
    static Decision decode(long[] reply, int at, List<Limit> limits) {
        int index = (int) reply[at + 1] - 1;
        if (index < 0 || index >= limits.size()) {
            throw new RateLimitStoreException("unexpected limit index in the rate-limit script reply: " + (index + 1));
        }
        Limit limit = limits.get(index);
        long remaining = reply[at + 2];
        long retryMicros = reply[at + 3];
        long resetNanos = reply[at + 4] * 1000L;
        if (reply[at] == 1) {
            return Decision.allow(limit, remaining, resetNanos);
        }
        return Decision.deny(limit, remaining, retryMicros < 0 ? Decision.NEVER : retryMicros * 1000L, resetNanos);
    }

    /**
     * The script's reply, decoded straight into a {@code long[]} (no boxed values, no list). Anything but a flat
     * array of integers is an error.
     */
    private static final class ReplyOutput extends CommandOutput<String, String, long[]> {
        private int filled;

        ReplyOutput() {
            super(StringCodec.UTF8, null);
        }

        @Override
        public void multi(int count) {
            if (output == null) {
                output = new long[count];
            } else {
                unexpected("a nested array");
            }
        }

        @Override
        public void set(long integer) {
            if (output == null || filled == output.length) {
                unexpected("an integer out of place");
            } else {
                output[filled++] = integer;
            }
        }

        @Override
        public void set(@Nullable ByteBuffer bytes) {
            unexpected("a string");
        }

        @Override
        public long @Nullable [] get() {
            return output != null && filled == output.length ? output : null;
        }

        private void unexpected(String what) {
            if (error == null) {
                setError("unexpected reply from the rate-limit script: " + what);
            }
        }
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
