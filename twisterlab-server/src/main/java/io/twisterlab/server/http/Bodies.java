package io.twisterlab.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Request bodies, read within the configured limit (413 before reading it all), by media type (415 for anything but
 * JSON or a form where one is accepted), and JSON responses.
 */
final class Bodies {
    static final String JSON = "application/json";

    private final Json json;
    private final long limit;

    Bodies(Json json, long limit) {
        this.json = json;
        this.limit = limit;
    }

    /** Answers 200 with a JSON body. */
    void ok(Context ctx, Object body) {
        ctx.status(200).contentType(JSON).result(json.write(body));
    }

    /** The media type of the request without parameters, lower case; empty without {@code Content-Type}. */
    static String mediaType(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null) {
            return "";
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    static boolean isJson(String mediaType) {
        return mediaType.equals(JSON) || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    /** Reads the body, refusing more than the configured limit (413) before reading it all. */
    byte[] read(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw Problem.forStatus(413);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw Problem.forStatus(413);
            }
            return body;
        } catch (IOException e) {
            throw Problem.badRequest("unreadable_body", "The request body could not be read.");
        }
    }

    /** A JSON object body; an empty body is {@code {}}. Non-JSON content types get 415. */
    Map<String, Object> readJsonObject(Context ctx) {
        String type = mediaType(ctx);
        boolean declaredEmpty = ctx.req().getContentLengthLong() == 0;
        if (!type.isEmpty() && !isJson(type)) {
            throw Problem.forStatus(415);
        }
        if (declaredEmpty) {
            return new LinkedHashMap<>();
        }
        byte[] body = read(ctx);
        if (body.length == 0) {
            return new LinkedHashMap<>();
        }
        if (type.isEmpty()) {
            throw Problem.forStatus(415);
        }
        try {
            return json.readObject(body);
        } catch (Json.BadJsonException e) {
            throw Problem.badRequest("invalid_json", e.getMessage());
        }
    }

    /** An {@code application/x-www-form-urlencoded} body; the first of repeated names wins. */
    Map<String, String> readForm(Context ctx) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(read(ctx), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                form.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest("invalid_form", "The form body is not valid URL encoding.");
            }
        }
        return form;
    }
}
