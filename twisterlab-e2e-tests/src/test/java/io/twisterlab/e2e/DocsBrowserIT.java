package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * {@code /docs} in a real browser (headless Chromium through Selenium, see {@link Browser}): the page lists every
 * capability of the live registry, loads nothing from another host and trips no CSP rule; a viewer key entered with
 * Authorize runs {@code monitoring.get_jvm_metrics} from the page (200 in the page) and is refused an operator-only
 * capability (the 403 problem in the page).
 *
 * <p>By default against the packaged jar started here. With {@code TWISTERLAB_E2E_BASE_URL} (e.g. a port-forward to
 * a cluster) and {@code TWISTERLAB_E2E_VIEWER_KEY} it checks that server instead and starts nothing.
 */
class DocsBrowserIT extends E2eBase {
    private static URI base;
    private static String viewerKey;
    private static Browser browser;

    @Override
    boolean sharesProcessesAcrossTests() {
        return true;
    }

    @BeforeAll
    static void start() {
        String external = System.getenv("TWISTERLAB_E2E_BASE_URL");
        if (external != null && !external.isBlank()) {
            base = URI.create(external.replaceAll("/+$", ""));
            viewerKey = System.getenv("TWISTERLAB_E2E_VIEWER_KEY");
            if (viewerKey == null || viewerKey.isBlank()) {
                throw new AssertionError("TWISTERLAB_E2E_BASE_URL needs TWISTERLAB_E2E_VIEWER_KEY (a viewer API key)");
            }
        } else {
            ApiKeys viewer = ApiKeys.generate("viewer", "viewer");
            ServerProcess server = ServerProcess.builder("DocsBrowserIT", 0)
                    .env("TWISTERLAB_API_KEYS", viewer.entry())
                    .start().awaitReady();
            base = URI.create("http://127.0.0.1:" + server.port());
            viewerKey = viewer.key();
        }
        browser = Browser.start();
        browser.driver.get(base + "/docs");
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock")));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void listsEveryCapabilityOfTheLiveRegistryFromThisServerOnly() {
        List<String> expected = new ArrayList<>();
        JsonNode agents = Http.json(Http.get(URI.create(base + "/api/v1/agents"), Map.of("X-API-Key", viewerKey)));
        for (JsonNode agent : agents.path("agents")) {
            for (JsonNode c : agent.path("capabilities")) {
                expected.add("/api/v1/agents/" + agent.path("name").asText() + "/capabilities/"
                        + c.path("name").asText());
            }
        }
        assertThat(expected).hasSizeGreaterThan(10).contains("/api/v1/agents/monitoring/capabilities/get_jvm_metrics");
        List<String> shown = browser.driver.findElements(By.cssSelector(".opblock-summary-path")).stream()
                .map(e -> e.getAttribute("data-path")).toList();
        assertThat(shown).containsAll(expected).contains("/mcp", "/api/v1/system/health");

        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) ((JavascriptExecutor) browser.driver).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name);");
        assertThat(loaded).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith(base + "/"));
        assertThat(browser.console()).noneSatisfy(line -> assertThat(line).containsIgnoringCase("Content Security"));
    }

    @Test
    void aViewerKeyRunsAQueryFromThePageAndIsRefusedAnAction() {
        authorize(viewerKey);

        JsonNode ok = execute("/api/v1/agents/monitoring/capabilities/get_jvm_metrics", "200");
        assertThat(ok.path("success").asBoolean()).isTrue();
        assertThat(ok.path("metadata").path("capability").asText()).isEqualTo("get_jvm_metrics");
        assertThat(ok.path("data").isObject()).isTrue();

        JsonNode refused = execute("/api/v1/agents/cache/capabilities/cache_delete", "403");
        assertThat(refused.path("code").asText()).isEqualTo("forbidden");
        assertThat(refused.path("status").asInt()).isEqualTo(403);
    }

    /** Authorize (top of the page), the API-key scheme ({@code X-API-Key}), then close the dialog. */
    private static void authorize(String key) {
        browser.driver.findElement(By.cssSelector(".auth-wrapper button.authorize")).click();
        String scheme = "//div[contains(@class,'auth-container')][.//h4[contains(normalize-space(.),'apiKey')]]";
        browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath(scheme + "//input")))
                .sendKeys(key);
        browser.driver.findElement(By.xpath(scheme + "//button[contains(@class,'authorize')]")).click();
        // the scheme's form turns into "Authorized" with a Logout button
        browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath(
                scheme + "//button[normalize-space(.)='Logout']")));
        browser.driver.findElement(By.cssSelector(".modal-ux button.close-modal")).click();
        browser.waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".modal-ux")));
    }

    /**
     * Opens the operation on {@code path}, presses Execute (try-it-out is on), waits for the live response with
     * {@code status} and returns the response body shown in the page.
     */
    private static JsonNode execute(String path, String status) {
        By opblock = By.xpath("//div[contains(@class,'opblock ')][.//*[@data-path='" + path + "']]");
        WebElement op = browser.driver.findElement(opblock);
        WebElement summary = op.findElement(By.cssSelector(".opblock-summary-control"));
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].scrollIntoView({block:'center'});", summary);
        summary.click();
        WebElement run = browser.waiting().until(ExpectedConditions.elementToBeClickable(
                By.xpath("//div[contains(@class,'opblock ')][.//*[@data-path='" + path + "']]//button[contains("
                        + "@class,'execute')]")));
        run.click();
        By statusCell = By.xpath("//div[contains(@class,'opblock ')][.//*[@data-path='" + path + "']]"
                + "//table[contains(@class,'live-responses-table')]/tbody//td[contains(@class,'response-col_status')]");
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(statusCell, status));
        assertThat(browser.driver.findElement(statusCell).getText().strip()).startsWith(status);
        String body = browser.driver.findElement(By.xpath("//div[contains(@class,'opblock ')][.//*[@data-path='"
                + path + "']]//table[contains(@class,'live-responses-table')]/tbody//td[contains(@class,"
                + "'response-col_description')]//pre")).getText();
        return Http.json(body);
    }
}
