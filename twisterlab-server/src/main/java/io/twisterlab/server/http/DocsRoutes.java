package io.twisterlab.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * {@code /docs}: Swagger UI over {@code /api/v1/openapi.json}, every file served from this process — the page and
 * its initializer from our resources, Swagger UI itself from the {@code org.webjars:swagger-ui} jar, whose version
 * is read once from the jar's {@code pom.properties}. Only the files the page uses are served; any other name is a
 * 404 problem. The page gets its own Content-Security-Policy: scripts, styles, images and fetches from this origin
 * only (Swagger UI's stylesheet embeds its icons as {@code data:} images), no inline script.
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

    private record Asset(String contentType, byte[] bytes) {
    }

    private final Asset page;
    private final Map<String, Asset> assets;

    /** Reads every file now: a jar without Swagger UI fails at start-up, not on the first visit. */
    DocsRoutes() {
        String webjar = "META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
        this.page = new Asset("text/html; charset=utf-8", read(OWN + "index.html"));
        this.assets = Map.of(
                "initializer.js", new Asset("text/javascript; charset=utf-8", read(OWN + "initializer.js")),
                "swagger-ui-bundle.js", new Asset("text/javascript; charset=utf-8",
                        read(webjar + "swagger-ui-bundle.js")),
                "swagger-ui.css", new Asset("text/css; charset=utf-8", read(webjar + "swagger-ui.css")),
                "favicon-32x32.png", new Asset("image/png", read(webjar + "favicon-32x32.png")));
    }

    void page(Context ctx) {
        send(ctx, page);
    }

    void asset(Context ctx) {
        Asset asset = assets.get(ctx.pathParam("file"));
        if (asset == null) {
            throw Problem.notFound("not_found", "No such file under /docs.");
        }
        send(ctx, asset);
    }

    static void redirect(Context ctx) {
        ctx.status(302).header("Location", PAGE);
    }

    private static void send(Context ctx, Asset asset) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.status(200).contentType(asset.contentType()).result(asset.bytes());
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
