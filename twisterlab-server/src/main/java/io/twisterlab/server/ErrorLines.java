package io.twisterlab.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The server command's own error lines on standard error (a refused option, an invalid setting, a failed start):
 * plain text, or, when JSON logs are asked for, one JSON object per line with the fields of the log events
 * ({@code @timestamp}, {@code level}, {@code logger_name}, {@code message}), so that every line a JSON-mode process
 * writes parses as JSON.
 *
 * <pre>{@code
 * ErrorLines errors = ErrorLines.of(System.err, env.get("TWISTERLAB_LOG_FORMAT"), Clock.systemUTC());
 * errors.print("twisterlab: invalid setting server.port ...");
 * }</pre>
 */
final class ErrorLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintStream err;
    private final Clock clock;
    private boolean json;

    private ErrorLines(PrintStream err, boolean json, Clock clock) {
        this.err = err;
        this.json = json;
        this.clock = clock;
    }

    /** Error lines in the format {@code logFormat} names ({@code json}, any case; anything else is text). */
    static ErrorLines of(PrintStream err, @Nullable String logFormat, Clock clock) {
        return new ErrorLines(err, isJson(logFormat), clock);
    }

    /** Switches the format once a later source (a flag, the loaded configuration) says which one is in force. */
    void format(@Nullable String logFormat) {
        json = isJson(logFormat);
    }

    void print(String message) {
        if (!json) {
            err.println(message);
            return;
        }
        Map<String, String> event = new LinkedHashMap<>();
        event.put("@timestamp", clock.instant().toString());
        event.put("level", "ERROR");
        event.put("logger_name", Main.class.getName());
        event.put("message", message);
        try {
            err.println(MAPPER.writeValueAsString(event));
        } catch (JsonProcessingException e) { // a map of strings always serializes
            throw new IllegalStateException(e);
        }
    }

    private static boolean isJson(@Nullable String logFormat) {
        return logFormat != null && logFormat.trim().toLowerCase(Locale.ROOT).equals("json");
    }
}
