package io.twisterlab.core.spi;

import java.util.Optional;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the agent API ({@code io.twisterlab.core} and its SPI) as {@code major.minor}: a plugin built
 * against {@code M.n} runs on a server whose API has the same major and a minor of at least {@code n}. A plugin jar
 * names the API it was built against in its manifest ({@value #MANIFEST_ATTRIBUTE}: 1.0); the server refuses a jar
 * whose version it does not {@linkplain #supports support}, naming both.
 *
 * <pre>{@code
 * ApiVersion required = ApiVersion.of(jarFile.getManifest()).orElseThrow();
 * if (!ApiVersion.CURRENT.supports(required)) { ... }
 * }</pre>
 *
 * @param major incompatible changes
 * @param minor compatible additions
 */
public record ApiVersion(int major, int minor) {
    /** The API of this core. */
    public static final ApiVersion CURRENT = new ApiVersion(1, 0);
    /** The plugin jar's manifest attribute naming the API version it was built against. */
    public static final String MANIFEST_ATTRIBUTE = "TwisterLab-Api-Version";

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})");

    /** @throws IllegalArgumentException if either part is negative */
    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("API version parts must not be negative: " + major + "." + minor);
        }
    }

    /**
     * Parses {@code major.minor}.
     *
     * @throws IllegalArgumentException if the text is not two numbers separated by a dot
     */
    public static ApiVersion parse(String text) {
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an API version like " + CURRENT);
        }
        return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * The version a jar's manifest declares, if it declares one.
     *
     * @throws IllegalArgumentException if the attribute is there but not {@code major.minor}
     */
    public static Optional<ApiVersion> of(Manifest manifest) {
        return Optional.ofNullable(manifest.getMainAttributes().getValue(MANIFEST_ATTRIBUTE)).map(ApiVersion::parse);
    }

    /** Whether code built against {@code required} runs on this version: same major, a minor at least as high. */
    public boolean supports(ApiVersion required) {
        return required.major == major && required.minor <= minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
