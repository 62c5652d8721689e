package io.github.ark4j.data;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The downloader against a local HTTP server: good, truncated, altered and missing files. */
class DownloaderTest {
    static final byte[] BODY = "the official bytes of a dataset file, pretend".repeat(2000).getBytes(StandardCharsets.UTF_8);
    HttpServer server;
    URI base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/good.bin", ex -> {
            ex.sendResponseHeaders(200, BODY.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(BODY);
            }
        });
        server.createContext("/truncated.bin", ex -> {
            ex.sendResponseHeaders(200, BODY.length); // promises everything, sends half, then drops the connection
            OutputStream o = ex.getResponseBody();
            o.write(BODY, 0, BODY.length / 2);
            o.flush();
            ex.close();
        });
        server.createContext("/altered.bin", ex -> {
            byte[] b = BODY.clone();
            b[100] ^= 1;
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    Downloader.Resource resource(String name) throws Exception {
        return new Downloader.Resource("set", name, BODY.length, sha(BODY), List.of(base));
    }

    static List<Path> leftovers(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void goodFileIsVerifiedAndMovedIntoPlace(@TempDir Path root) throws Exception {
        Path p = new Downloader(root).fetch(resource("good.bin"));
        assertArrayEquals(BODY, Files.readAllBytes(p));
        assertEquals(List.of(p), leftovers(root));
        // a second fetch keeps the verified file
        assertEquals(p, new Downloader(root).fetch(resource("good.bin")));
    }

    @Test
    void truncatedDownloadLeavesNothing(@TempDir Path root) throws Exception {
        IOException e = assertThrows(IOException.class, () -> new Downloader(root).fetch(resource("truncated.bin")));
        assertTrue(e.getMessage().contains("truncated.bin"), e.getMessage());
        assertEquals(List.of(), leftovers(root));
    }

    @Test
    void wrongChecksumLeavesNothing(@TempDir Path root) throws Exception {
        IOException e = assertThrows(IOException.class, () -> new Downloader(root).fetch(resource("altered.bin")));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertEquals(List.of(), leftovers(root));
    }

    @Test
    void notFoundLeavesNothing(@TempDir Path root) throws Exception {
        IOException e = assertThrows(IOException.class, () -> new Downloader(root).fetch(resource("missing.bin")));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertEquals(List.of(), leftovers(root));
    }

    @Test
    void offlineSaysWhichFileToPutWhere(@TempDir Path root) throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Downloader.Resource r = resource("good.bin").withMirrors(List.of(URI.create("http://127.0.0.1:" + closedPort + "/")));
        IOException e = assertThrows(IOException.class, () -> new Downloader(root).fetch(r));
        assertTrue(e.getMessage().startsWith("offline"), e.getMessage());
        assertTrue(e.getMessage().contains(root.resolve("set").resolve("good.bin").toAbsolutePath().toString()), e.getMessage());
        assertEquals(List.of(), leftovers(root));
    }

    @Test
    void pinnedChecksumsAreThoseOfTheOfficialFiles() {
        // t10k files and train labels are byte-identical in the development data (PROVENANCE.md)
        assertEquals("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", Downloader.MNIST.get(2).sha256());
        assertEquals(4, Downloader.MNIST.size());
        assertEquals(1, Downloader.CIFAR10.size());
    }
}
