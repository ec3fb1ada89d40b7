package io.twisterlab.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through chromedriver, both named explicitly so Selenium Manager never looks for (or
 * downloads) anything: {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian's {@code chromium} and
 * {@code chromium-driver}), or {@code TWISTERLAB_E2E_CHROMIUM} / {@code TWISTERLAB_E2E_CHROMEDRIVER}. A browser that
 * cannot start throws: the test fails, it never skips. Each instance has a fresh profile, deleted on close.
 */
final class Browser implements AutoCloseable {
    /** How long a page may take to show what a test waits for. */
    static final Duration WAIT = Duration.ofSeconds(60);

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Browser start() {
        Path chromium = executable("TWISTERLAB_E2E_CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("TWISTERLAB_E2E_CHROMEDRIVER", "/usr/bin/chromedriver");
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("twisterlab-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // without the background-networking flags Chromium's own connections (updates, sync) are refused here and
        // slow every start; none of them is needed to show a page
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + profile, "--window-size=1400,2000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(ServerProcess.logDir().resolve("chromedriver-" + System.nanoTime() + ".log").toFile())
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            delete(profile);
            throw new AssertionError("Chromium did not start (" + chromium + " through " + chromedriver + "): " + e,
                    e);
        }
    }

    private static Path executable(String env, String fallback) {
        String configured = System.getenv(env);
        Path p = Path.of(configured == null || configured.isBlank() ? fallback : configured);
        if (!Files.isExecutable(p)) {
            throw new AssertionError(p + " is not an executable: install Debian's chromium and chromium-driver "
                    + "(.ci/run does when they are absent) or name them with " + env);
        }
        return p;
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver, WAIT);
    }

    /** The browser console's lines so far (each read drains them). */
    List<String> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a leftover profile in the temp folder is harmless
        }
    }
}
