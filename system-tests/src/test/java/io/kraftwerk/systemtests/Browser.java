package io.kraftwerk.systemtests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver (never a downloaded one). Saves
 * screenshots under {@code target/screenshots/} for CI to keep.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /**
     * @param hostRules Chromium host resolver rules, e.g. {@code MAP kw-master.test 10.0.0.1}, or null
     */
    static Browser start(String hostRules) {
        for (String path : List.of("/usr/bin/chromium", "/usr/bin/chromedriver")) {
            if (!Files.isExecutable(Path.of(path))) {
                throw new IllegalStateException(path + " is missing: run .ci/prepare-host, which installs Debian's chromium and"
                        + " chromium-driver");
            }
        }
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium");
        // --no-sandbox: the tests run as root; the master's certificate comes from a CA made for the test
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--ignore-certificate-errors",
                "--window-size=1280,1000", "--disable-gpu", "--no-first-run", "--disable-background-networking");
        if (hostRules != null) {
            options.addArguments("--host-resolver-rules=" + hostRules);
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Browser(driver);
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    /** Signs in to the dashboard with the admin token, starting from any dashboard page. */
    void signIn(String dashboardUrl, String token) {
        driver.get(dashboardUrl);
        if (!driver.getCurrentUrl().endsWith("/dashboard/login")) {
            throw new AssertionError("the dashboard did not ask to sign in: " + driver.getCurrentUrl());
        }
        driver.findElement(By.id("token")).sendKeys(token);
        clickAndWait("#login button");
    }

    /** Clicks something that loads a page, and waits until the new page has replaced the old one. */
    void clickAndWait(By target) {
        WebElement old = driver.findElement(By.tagName("html"));
        driver.findElement(target).click();
        org.openqa.selenium.support.ui.WebDriverWait wait = new org.openqa.selenium.support.ui.WebDriverWait(driver,
                Duration.ofSeconds(30));
        wait.until(d -> {
            try {
                old.isEnabled();
                return false;
            } catch (org.openqa.selenium.WebDriverException gone) {
                // stale, or (chromedriver, mid-navigation) "does not belong to the document": the old page is gone
                return true;
            }
        });
        wait.until(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    void clickAndWait(String css) {
        clickAndWait(By.cssSelector(css));
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The texts of the elements a selector finds, in page order. */
    List<String> texts(String css) {
        return all(css).stream().map(WebElement::getText).toList();
    }

    Path screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
