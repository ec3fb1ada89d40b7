package io.twisterlab.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * {@code /docs}: Swagger UI over {@code /api/v1/openapi.json}, every file served from this process — the page and
 * its initializer from our resources, Swagger UI itself from the {@code org.webjars:swagger-ui} jar, whose version
 * is read once from the jar's {@code pom.properties}. Only the files the page uses are served; any other name is a
 * 404 problem. The page gets its own Content-Security-Policy: scripts, styles, images and fetches from this origin
 * only (Swagger UI's stylesheet embeds its icons as {@code data:} images), no inline script.
 *
 * <p>Caching: every file has a strong {@code ETag} (a SHA-256 prefix of its bytes) and a conditional GET with a
 * matching {@code If-None-Match} gets a bodiless 304. The page links each file as {@code /docs/<file>?v=<etag>}, and
 * a request carrying the current {@code v} is cached for a year ({@code immutable}): a new Swagger UI or initializer
 * changes the link, so a browser never keeps a stale file, and a repeat visit downloads none of the 1.7 MB again.
 * The page itself and un-versioned links are {@code no-cache}: always revalidated, usually with a 304.
 */
final class DocsRoutes {
    static final String PAGE = "/docs";
    static final String ASSET = "/docs/{file}";
    /** Older names operators try, redirected to {@link #PAGE}. */
    static final String[] ALIASES = {"/redoc", "/swagger-ui", "/swagger-ui.html"};
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String OWN = "io/twisterlab/server/http/docs/";
    private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    /** A file as served: its bytes and their strong entity tag ({@code "<16 hex digits of SHA-256>"}). */
    private record Asset(String contentType, byte[] bytes, String etag) {
        Asset(String contentType, byte[] bytes) {
            this(contentType, bytes, "\"" + sha256Prefix(bytes) + "\"");
        }

        /** The {@code v} query value of a versioned link: the entity tag without its quotes. */
        String version() {
            return etag.substring(1, etag.length() - 1);
        }
    }

    private final Asset page;
    private final Map<String, Asset> assets;

    /** Reads every file now: a jar without Swagger UI fails at start-up, not on the first visit. */
    DocsRoutes() {
        String webjar = "META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
        this.assets = Map.of(
                "initializer.js", new Asset("text/javascript; charset=utf-8", read(OWN + "initializer.js")),
                "swagger-ui-bundle.js", new Asset("text/javascript; charset=utf-8",
                        read(webjar + "swagger-ui-bundle.js")),
                "swagger-ui.css", new Asset("text/css; charset=utf-8", read(webjar + "swagger-ui.css")),
                "favicon-32x32.png", new Asset("image/png", read(webjar + "favicon-32x32.png")));
        this.page = new Asset("text/html; charset=utf-8", versionedLinks(
                new String(read(OWN + "index.html"), StandardCharsets.UTF_8), assets)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Rewrites each {@code "/docs/<file>"} link of the page to {@code "/docs/<file>?v=<version>"}. */
    private static String versionedLinks(String html, Map<String, Asset> assets) {
        String out = html;
        for (Map.Entry<String, Asset> file : assets.entrySet()) {
            String link = PAGE + "/" + file.getKey();
            if (!out.contains("\"" + link + "\"")) {
                throw new IllegalStateException("docs/index.html does not link " + link);
            }
            out = out.replace("\"" + link + "\"", "\"" + link + "?v=" + file.getValue().version() + "\"");
        }
        return out;
    }

    void page(Context ctx) {
        send(ctx, page, REVALIDATE);
    }

    void asset(Context ctx) {
        Asset asset = assets.get(ctx.pathParam("file"));
        if (asset == null) {
            throw Problem.notFound("not_found", "No such file under /docs.");
        }
        send(ctx, asset, asset.version().equals(ctx.queryParam("v")) ? IMMUTABLE : REVALIDATE);
    }

    static void redirect(Context ctx) {
        ctx.status(302).header("Location", PAGE);
    }

    private static void send(Context ctx, Asset asset, String cacheControl) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Cache-Control", cacheControl);
        ctx.header("ETag", asset.etag());
        if (matches(ctx.header("If-None-Match"), asset.etag())) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType(asset.contentType()).result(asset.bytes());
    }

    /** RFC 9110 weak comparison for GET: {@code *}, or any listed tag equal to ours with or without {@code W/}. */
    private static boolean matches(@Nullable String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || Objects.equals(t.startsWith("W/") ? t.substring(2) : t, etag)) {
                return true;
            }
        }
        return false;
    }

    private static String sha256Prefix(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String webjarVersion() {
        Properties p = new Properties();
        try (InputStream in = open(WEBJAR_POM)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = p.getProperty("version", "");
        if (!version.matches("[0-9A-Za-z.-]{1,32}")) {
            throw new IllegalStateException(WEBJAR_POM + " has no usable version: '" + version + "'");
        }
        return version;
    }

    private static byte[] read(String resource) {
        try (InputStream in = open(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing on the class path: " + resource
                    + " (the org.webjars:swagger-ui jar is a dependency of twisterlab-server)");
        }
        return in;
    }
}
