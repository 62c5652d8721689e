package io.github.ark4j.course;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.ark4j.data.DataDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The notebooks as a student meets them: JupyterLab on 127.0.0.1 with a token and the ark4j kernelspec, driven in
 * headless Chromium through its web UI. Notebooks 00 and 01 are opened from the file browser (on a copy, so the
 * repository's files stay as they are), run with Run › Run All Cells until the kernel is idle, and the page is
 * checked for what a student sees: no cell shows an error or red output, figures are rendered images, tables HTML,
 * progress bars finished, and the kernel named in the toolbar is ark4j's, chosen without asking. Screenshots go to
 * {@code target/jupyterlab/}: each notebook
 * when it finished, and its first figure. Needs JupyterLab (the {@code jupyter} on the PATH), the ark4j kernelspec and Debian's
 * {@code chromium} and {@code chromium-driver}; skipped without them unless ARK4J_REQUIRE_BROWSER is set, as in CI.
 */
@Tag("kernel")
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JupyterLabIT {
    private static final Path WORK = Path.of("target", "jupyterlab").toAbsolutePath();
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Duration NOTEBOOK_LIMIT = Duration.ofMinutes(10);

    private static Process server;
    private static WebDriver browser;
    private static String base;

    @BeforeAll
    static void startJupyterLabAndBrowser() throws Exception {
        boolean installed = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER))
                && Jupyter.hasLab() && Jupyter.hasKernel(Jupyter.KERNEL);
        assumeTrue(installed || System.getenv("ARK4J_REQUIRE_BROWSER") != null,
                "needs chromium, chromium-driver, JupyterLab and the ark4j kernelspec (tools/lab.sh --setup)");
        deleteTree(WORK);
        Path notebooks = Files.createDirectories(WORK.resolve("root").resolve("notebooks"));
        for (String nb : List.of("00-setup-and-data.ipynb", "01-fgsm.ipynb")) {
            Files.copy(Path.of("notebooks", nb), notebooks.resolve(nb), StandardCopyOption.REPLACE_EXISTING);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String token = UUID.randomUUID().toString().replace("-", "");
        ProcessBuilder pb = new ProcessBuilder("jupyter", "lab", "--no-browser", "--ip=127.0.0.1", "--port=" + port,
                "--ServerApp.port_retries=0", "--IdentityProvider.token=" + token,
                "--ServerApp.root_dir=" + WORK.resolve("root"), "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
                .redirectErrorStream(true).redirectOutput(WORK.resolve("server.log").toFile());
        if ("root".equals(System.getProperty("user.name"))) {
            // CI machines run as root; Jupyter refuses that without being told
            pb.command().add("--allow-root");
        }
        Map<String, String> env = pb.environment();
        // a fresh user: no settings, workspaces or runtime files of the machine's user are read or written
        for (String dir : List.of("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR")) {
            env.put(dir, Files.createDirectories(WORK.resolve("user").resolve(dir.toLowerCase())).toString());
        }
        // the kernel runs in the copy's folder, where the embedded data/ is not: name the data the tests use
        env.put(DataDirectory.ENVIRONMENT, DataDirectory.resolve().toAbsolutePath().toString());
        server = pb.start();
        base = "http://127.0.0.1:" + port;
        awaitServer(base + "/api/status?token=" + token);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--window-size=1600,1200", "--user-data-dir=" + Files.createDirectories(WORK.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().withLogFile(WORK.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, options);
        browser.get(base + "/lab?token=" + token);
        waitFor(Duration.ofMinutes(2), "the JupyterLab file browser",
                () -> !browser.findElements(By.cssSelector(".jp-DirListing-item")).isEmpty());
        open("notebooks");
    }

    @AfterAll
    static void stopBrowserAndServer() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            List<ProcessHandle> tree = Stream.concat(server.descendants(), Stream.of(server.toHandle())).toList();
            tree.forEach(ProcessHandle::destroy);
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
            }
            for (ProcessHandle h : tree) {
                h.onExit().get(30, TimeUnit.SECONDS);
            }
            assertTrue(tree.stream().noneMatch(ProcessHandle::isAlive), "the server or a kernel outlived the test");
        }
    }

    @Test
    @Order(1)
    void notebook00RunsInJupyterLab() throws Exception {
        runAll("00-setup-and-data.ipynb");
    }

    @Test
    @Order(2)
    void notebook01RunsInJupyterLabWithItsFiguresTablesAndProgress() throws Exception {
        runAll("01-fgsm.ipynb");
        List<WebElement> bars = browser.findElements(By.cssSelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output progress"));
        assertFalse(bars.isEmpty(), "no progress bar in notebook 01's outputs (its attacks report progress)");
        for (WebElement bar : bars) {
            assertEquals(bar.getAttribute("max"), bar.getAttribute("value"), "a progress bar left unfinished: " + bar.findElement(By.xpath("..")).getText());
        }
    }

    /** Opens a notebook from the file browser, runs all its cells and checks the page; a screenshot either way. */
    private static void runAll(String notebook) throws Exception {
        String shot = notebook.replace(".ipynb", "");
        try {
            open(notebook);
            String panel = ".jp-NotebookPanel:not(.lm-mod-hidden)";
            // IJava reports its state only once it executes something: the name shown is what can be awaited here
            waitFor(Duration.ofMinutes(2), "the kernel of " + notebook + " to start",
                    () -> !dialogs().isEmpty() || kernelName().contains("Java (ark4j)") && status().contains("Java (ark4j)"));
            assertTrue(dialogs().isEmpty(), "JupyterLab asked about the kernel instead of starting ark4j's: " + dialogs());
            // the notebook's own count: JupyterLab attaches a long notebook's cells to the page bit by bit
            int codeCells = codeCells(WORK.resolve("root").resolve("notebooks").resolve(notebook));
            assertTrue(codeCells > 0, notebook + " has no code cell");

            browser.findElement(By.xpath("//li[contains(@class,'lm-MenuBar-item')][.//div[normalize-space(text())='Run']]")).click();
            By runAll = By.xpath("//li[contains(@class,'lm-Menu-item')][.//div[normalize-space(text())='Run All Cells']]");
            waitFor(Duration.ofSeconds(30), "the Run menu", () -> browser.findElements(runAll).stream().anyMatch(WebElement::isDisplayed));
            browser.findElements(runAll).stream().filter(WebElement::isDisplayed).findFirst().orElseThrow().click();
            By redOutputs = By.cssSelector(panel + " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']");
            // a cell that fails stops Run All, so its error (shown like stderr) ends the wait as well
            waitFor(NOTEBOOK_LIMIT, notebook + " to finish", () -> status().contains("Idle")
                    && (executedCells(panel) == codeCells || !browser.findElements(redOutputs).isEmpty()));

            List<WebElement> red = browser.findElements(redOutputs);
            assertTrue(red.isEmpty(), notebook + ": " + red.size() + " outputs shown as errors, first: "
                    + (red.isEmpty() ? "" : red.get(0).getAttribute("textContent")));
            List<WebElement> images = browser.findElements(By.cssSelector(panel + " .jp-OutputArea-output[data-mime-type='image/png'] img"));
            assertFalse(images.isEmpty(), notebook + " shows no figure");
            for (WebElement img : images) {
                Object width = ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth;", img);
                assertTrue(((Number) width).intValue() > 0, notebook + ": a figure did not render");
            }
            assertFalse(browser.findElements(By.cssSelector(panel + " .jp-OutputArea-output[data-mime-type='text/html'] table")).isEmpty(),
                    notebook + " shows no HTML table");
            assertTrue(kernelName().contains("Java (ark4j)") && status().contains("Java (ark4j)"),
                    "kernel shown in the toolbar: " + kernelName() + "; in the status bar: " + status());
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", images.get(0));
            screenshot(shot + "-figure");
        } finally {
            screenshot(shot);
        }
    }

    /** Double-clicks an entry of the file browser (a folder or a notebook). */
    private static void open(String name) throws InterruptedException {
        By item = By.xpath("//li[contains(@class,'jp-DirListing-item')][.//span[normalize-space(text())='" + name + "']]");
        waitFor(Duration.ofMinutes(1), name + " in the file browser", () -> browser.findElements(item).stream().anyMatch(WebElement::isDisplayed));
        new Actions(browser).doubleClick(browser.findElements(item).stream().filter(WebElement::isDisplayed).findFirst().orElseThrow()).perform();
    }

    private static int codeCells(Path notebook) throws IOException {
        int n = 0;
        for (JsonElement cell : JsonParser.parseString(Files.readString(notebook)).getAsJsonObject().getAsJsonArray("cells")) {
            if ("code".equals(cell.getAsJsonObject().get("cell_type").getAsString())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Code cells whose prompt shows an execution count. Read from the DOM's text, not as rendered: JupyterLab skips
     * rendering cells outside the viewport (content-visibility), and rendered text of those is empty.
     */
    private static int executedCells(String panel) {
        Object n = ((JavascriptExecutor) browser).executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".filter(e => /^\\[\\d+\\]:$/.test(e.textContent.trim())).length;", panel + " .jp-CodeCell .jp-InputPrompt");
        return ((Number) n).intValue();
    }

    private static String kernelName() {
        return innerText(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-kernelName");
    }

    private static String status() {
        return innerText("#jp-main-statusbar");
    }

    private static List<String> dialogs() {
        return browser.findElements(By.cssSelector(".jp-Dialog")).stream().map(WebElement::getText).toList();
    }

    /** The text of the elements matching {@code css} as the page lays it out, one line per element. */
    private static String innerText(String css) {
        Object text = ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText).join('\\n');", css);
        return text == null ? "" : text.toString().replace('\n', ' ');
    }

    private static void screenshot(String name) throws IOException {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.move(png, WORK.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitServer(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < end) {
            if (!server.isAlive()) {
                fail("JupyterLab exited: " + Files.readString(WORK.resolve("server.log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the server is still starting
            }
            Thread.sleep(500);
        }
        fail("JupyterLab did not answer within 2 minutes: " + Files.readString(WORK.resolve("server.log")));
    }

    private interface Condition {
        boolean holds();
    }

    private static void waitFor(Duration limit, String what, Condition c) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            try {
                if (c.holds()) {
                    return;
                }
            } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
                // the page redrew the element between finding and reading it: look again
            }
            Thread.sleep(500);
        }
        fail("waited " + limit.toSeconds() + " s for " + what + "; status bar: " + status());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
