package org.attachmentpipeline.monitoring.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.attachmentpipeline.monitoring.testing.RealDlqHandler;
import org.attachmentpipeline.testsupport.EmbeddedBroker;
import org.attachmentpipeline.testsupport.PipelineIntegrationTest;
import org.attachmentpipeline.testsupport.PipelineTestNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The page in a real browser: the system's headless Chromium, driven through chromedriver, loads
 * the dashboard running on the embedded broker, sees the counts rise while records flow through the
 * pipeline's topics, and replays a dead letter by clicking and typing the operator's name and token
 * into the page's prompt, which reaches the real dlq-handler with that token and name: the dead
 * letter leaves the list. Reported as skipped when no chromium or chromedriver is installed ({@code
 * webdriver.chrome.driver} and {@code chromium.binary} name them explicitly).
 *
 * <p>With {@code -Dmonitoring.screenshot=docs/screenshots/monitoring.png} (a path relative to the
 * repository root, or absolute) it also lets the load run for half a minute and saves the page.
 */
@PipelineIntegrationTest(
    prefix = DashboardPageTests.PREFIX,
    partitions = 4,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=pipeline,monitoring-dashboard",
      // two retry tiers, as two retry delays below
      "pipeline.topics.retry="
          + DashboardPageTests.PREFIX
          + ".retry.1,"
          + DashboardPageTests.PREFIX
          + ".retry.2",
      "pipeline.retry.delays=5m,10m",
      "pipeline.monitoring.cache-ttl=200ms",
      "pipeline.monitoring.sample-interval=1s",
      "pipeline.monitoring.history=2m"
    })
@EnabledIf(
    value = "browserInstalled",
    disabledReason =
        "no chromium or chromedriver on the PATH: apt-get install chromium chromium-driver")
class DashboardPageTests {

  static final String PREFIX = "page";
  private static final PipelineTestNames TOPICS = new PipelineTestNames(PREFIX);

  private static final String SCREENSHOT = System.getProperty("monitoring.screenshot", "");
  private static final AtomicLong deadLetters = new AtomicLong(40);
  private static RealDlqHandler dlq;
  private static FakeWorker downloadWorker;
  private static FakeWorker uploadWorker;
  private static FakeWorker otherWorker;
  private static Path chromium;
  private static Path chromedriver;

  @LocalServerPort private int port;
  private WebDriver browser;
  private PipelineLoad load;

  /**
   * Whether chromium and chromedriver are installed. Checked before the application starts: without
   * them the test is reported as skipped, and no context is loaded for nothing.
   */
  static boolean browserInstalled() {
    chromedriver =
        executable(System.getProperty("webdriver.chrome.driver"), "chromedriver").orElse(null);
    chromium =
        executable(
                System.getProperty("chromium.binary"),
                "chromium",
                "chromium-browser",
                "google-chrome")
            .orElse(null);
    return chromedriver != null && chromium != null;
  }

  @DynamicPropertySource
  static void sources(DynamicPropertyRegistry registry) {
    dlq = RealDlqHandler.start();
    downloadWorker = FakeWorker.start(() -> downloadMetrics(deadLetters.addAndGet(1)));
    uploadWorker = FakeWorker.start(DashboardPageTests::uploadMetrics);
    otherWorker = FakeWorker.start(() -> "# no pipeline gauges here\nup 1\n");
    registry.add("pipeline.monitoring.dlq-url", () -> dlq.url().toString());
    registry.add("pipeline.monitoring.workers.event-ingester", () -> otherWorker.url().toString());
    registry.add(
        "pipeline.monitoring.workers.download-worker", () -> downloadWorker.url().toString());
    registry.add("pipeline.monitoring.workers.upload-worker", () -> uploadWorker.url().toString());
    registry.add(
        "pipeline.monitoring.workers.result-processor", () -> otherWorker.url().toString());
    registry.add(
        "pipeline.monitoring.workers.dlq-handler",
        () ->
            SCREENSHOT.isEmpty()
                ? "http://127.0.0.1:" + closedPort()
                : otherWorker.url().toString());
  }

  @AfterAll
  static void stopTheServers() {
    if (dlq != null) {
      dlq.close();
      downloadWorker.close();
      uploadWorker.close();
      otherWorker.close();
    }
  }

  @BeforeEach
  void openTheBrowser() {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1440,1500",
        "--hide-scrollbars");
    browser = new ChromeDriver(service, options);
    load =
        new PipelineLoad(
                EmbeddedBroker.brokers(),
                List.of(
                    new PipelineLoad.Flow(TOPICS.raw(), 6, "event-ingester", 6),
                    new PipelineLoad.Flow(TOPICS.pending(), 15, "download-worker", 12),
                    new PipelineLoad.Flow(TOPICS.retry(1), 1, "download-worker-retry", 1),
                    new PipelineLoad.Flow(TOPICS.cached(), 12, "upload-worker", 12),
                    new PipelineLoad.Flow(TOPICS.results(), 12, "result-processor", 12)))
            .start(Duration.ofMillis(250));
  }

  @AfterEach
  void closeTheBrowser() {
    if (browser != null) {
      browser.quit();
    }
    if (load != null) {
      load.close();
    }
  }

  @Test
  void pageShowsCountsRisingAndReplaysADeadLetterByClicking() throws IOException {
    browser.get("http://127.0.0.1:" + port + "/");

    long first = awaitRecordsOnThePage(TOPICS.pending(), 1);
    awaitRecordsOnThePage(TOPICS.pending(), first + 50);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(
                      Double.parseDouble(
                          text("[data-stage=download] .in-rate").replaceAll("[^0-9.]", "")))
                  .isPositive();
              assertThat(
                      Double.parseDouble(
                          text("[data-stage=download] .done-rate").replaceAll("[^0-9.]", "")))
                  .isPositive();
              assertThat(text("[data-stage=download] .instances")).isEqualTo("1 instance");
              assertThat(text("[data-stage=download] .in-flight")).isEqualTo("37");
              assertThat(text("[data-stage=upload] .cache")).startsWith("1.5 GiB / 4.0 GiB");
              assertThat(text("#dlq-total")).isEqualTo("3");
              assertThat(text("#dlq-reasons")).isEqualTo("EXHAUSTED: 1 · PERMANENT: 2");
              assertThat(text("#failures [data-reason='download/HTTP_PERMANENT'] td:nth-child(4)"))
                  .isNotEqualTo("0");
              assertThat(text("[data-stage=download] svg.spark polyline", "getAttribute('points')"))
                  .contains(",");
            });
    load.assertHealthy();

    // The table is redrawn every two seconds: a button found just before a redraw is stale.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(StaleElementReferenceException.class)
        .until(
            () -> {
              browser
                  .findElement(By.cssSelector("#dlq tr[data-dlq-id='task-dead-2'] button.replay"))
                  .click();
              return true;
            });

    // The page asks for the operator's own credential; the dashboard has none to use.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> browser.findElement(By.id("credential")).isDisplayed());
    browser.findElement(By.id("credential-operator")).sendKeys("alice");
    browser.findElement(By.id("credential-token")).sendKeys(RealDlqHandler.TOKEN);
    browser.findElement(By.cssSelector("#credential button[type=submit]")).click();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(dlq.replayedBy("task-dead-2")).isEqualTo("alice via token");
              // replayed, it is no longer waiting for review: the next refresh drops it from the
              // list
              assertThat(browser.findElements(By.cssSelector("#dlq tr[data-dlq-id='task-dead-2']")))
                  .isEmpty();
              assertThat(text("#dlq-total")).isEqualTo("2");
            });
    assertThat(text("#dlq tr[data-dlq-id='task-dead-1'] button.replay", "disabled"))
        .isEqualTo("false");
    assertThat(browser.getPageSource())
        .doesNotContain(RealDlqHandler.TOKEN)
        .doesNotContain("sig=secret");

    if (!SCREENSHOT.isEmpty()) {
      saveScreenshotUnderLoad();
    }
  }

  private void saveScreenshotUnderLoad() throws IOException {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                text("[data-stage=download] svg.spark polyline", "getAttribute('points')")
                        .split(" ")
                        .length
                    >= 30);
    load.assertHealthy();
    Number height =
        (Number)
            ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1440, Math.min(2400, height.intValue() + 40)));
    File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = repositoryRoot().resolve(SCREENSHOT);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  private long awaitRecordsOnThePage(String topic, long atLeast) {
    AtomicLong seen = new AtomicLong();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String cell = text("#topics tr[data-topic='" + topic + "'] td:nth-child(2)");
              long records =
                  Long.parseLong(
                      cell.replaceAll("[^0-9]", "").isEmpty()
                          ? "0"
                          : cell.replaceAll("[^0-9]", ""));
              assertThat(records).isGreaterThanOrEqualTo(atLeast);
              seen.set(records);
            });
    return seen.get();
  }

  private String text(String css) {
    return text(css, "innerText");
  }

  /**
   * A property of the first element matching {@code css}, read in one script: the page redraws
   * every two seconds, so an element found in one call may be gone in the next.
   */
  private String text(String css, String property) {
    Object value =
        ((JavascriptExecutor) browser)
            .executeScript(
                "const e = document.querySelector(arguments[0]); return e === null ? null :"
                    + " String(e."
                    + property
                    + ");",
                css);
    assertThat(value).as("an element matching %s", css).isNotNull();
    return value.toString().strip();
  }

  private static String downloadMetrics(long deadLettered) {
    return """
    # TYPE pipeline_downloads_in_flight gauge
    pipeline_downloads_in_flight{application="download-worker",instance="a"} 37.0
    # TYPE pipeline_cache_bytes gauge
    pipeline_cache_bytes{application="download-worker",instance="a"} 1.610612736E9
    pipeline_cache_limit_bytes{application="download-worker",instance="a"} 4.294967296E9
    pipeline_download_retries_total{tier="5m"} 12.0
    pipeline_dead_letters_total{application="download-worker",reason="HTTP_PERMANENT",stage="download"} %d.0
    pipeline_dead_letters_total{application="download-worker",reason="EXHAUSTED",stage="download"} 2.0
    """
        .formatted(deadLettered);
  }

  private static String uploadMetrics() {
    return """
    pipeline_uploads_in_flight{application="upload-worker"} 8.0
    pipeline_cache_bytes{application="upload-worker"} 1.6E9
    pipeline_cache_limit_bytes{application="upload-worker"} 4.294967296E9
    pipeline_upload_retries_total 1.0
    """;
  }

  private static Optional<Path> executable(String configured, String... names) {
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    String pathVariable = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String name : names) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("").toAbsolutePath() : dir;
  }
}
