package io.twisterlab.server.http;

import io.javalin.http.Context;
import io.twisterlab.server.ServerConfig.User;
import io.twisterlab.server.auth.Authenticator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/auth/token}: a user name and password (JSON or form) for a signed token. The gate has already
 * applied the login limit per client IP.
 */
final class LoginRoute {
    private static final Logger LOG = LoggerFactory.getLogger(LoginRoute.class);

    private final Authenticator auth;
    private final Bodies bodies;

    LoginRoute(Authenticator auth, Bodies bodies) {
        this.auth = auth;
        this.bodies = bodies;
    }

    void login(Context ctx) {
        if (!auth.loginEnabled()) {
            throw Problem.notFound("login_disabled", "No users are configured (auth.users / TWISTERLAB_USERS); "
                    + "use an API key.");
        }
        String username;
        String password;
        String type = Bodies.mediaType(ctx);
        if (type.equals("application/x-www-form-urlencoded")) {
            Map<String, String> form = bodies.readForm(ctx);
            username = form.get("username");
            password = form.get("password");
        } else if (Bodies.isJson(type)) {
            Map<String, Object> body = bodies.readJsonObject(ctx);
            username = body.get("username") instanceof String s ? s : null;
            password = body.get("password") instanceof String s ? s : null;
        } else {
            throw Problem.forStatus(415);
        }
        if (username == null || password == null || username.length() > 128 || password.length() > 1024) {
            throw Problem.badRequest("invalid_login_request", "Send username and password (JSON or form).");
        }
        Optional<User> user = auth.checkPassword(username, password.toCharArray());
        if (user.isEmpty()) {
            LOG.info("login failed for a user name from {}", (String) ctx.attribute(RequestGate.ATTR_CLIENT_IP));
            throw Problem.unauthorized("Invalid username or password.");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", auth.issueToken(user.get()));
        body.put("token_type", "Bearer");
        body.put("expires_in", auth.tokenTtl().toSeconds());
        body.put("role", user.get().role().id());
        bodies.ok(ctx, body);
    }
}
