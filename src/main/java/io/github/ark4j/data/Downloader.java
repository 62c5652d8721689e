package io.github.ark4j.data;

import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Fetches the canonical MNIST and CIFAR-10 files into the data root. Each file is streamed into a temporary file
 * next to its destination, its SHA-256 is compared with the value pinned here (the official files' digests), and
 * only then is it moved into place atomically: a failed, truncated or tampered download leaves nothing behind.
 */
public final class Downloader {

    /** One file of a dataset: where it goes under the data root, its pinned size and SHA-256, and its mirrors. */
    public record Resource(String folder, String fileName, long bytes, String sha256, List<URI> mirrors) {
        public Resource withMirrors(List<URI> other) {
            return new Resource(folder, fileName, bytes, sha256, other);
        }
    }

    private static final List<URI> MNIST_MIRRORS = List.of(
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"));
    private static final List<URI> CIFAR_MIRRORS = List.of(URI.create("https://www.cs.toronto.edu/~kriz/"));

    /** The four official MNIST files (SHA-256 of the files as published by LeCun et al.). */
    public static final List<Resource> MNIST = List.of(
            new Resource("mnist", "train-images-idx3-ubyte.gz", 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", MNIST_MIRRORS),
            new Resource("mnist", "train-labels-idx1-ubyte.gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", MNIST_MIRRORS),
            new Resource("mnist", "t10k-images-idx3-ubyte.gz", 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", MNIST_MIRRORS),
            new Resource("mnist", "t10k-labels-idx1-ubyte.gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", MNIST_MIRRORS));

    /** The official CIFAR-10 binary archive (Krizhevsky, Toronto). */
    public static final List<Resource> CIFAR10 = List.of(
            new Resource("cifar-10", "cifar-10-binary.tar.gz", 170_052_171, "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", CIFAR_MIRRORS));

    private final Path root;
    private final HttpClient http;

    public Downloader(Path root) {
        this(root, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).followRedirects(HttpClient.Redirect.NORMAL).build());
    }

    public Downloader(Path root, HttpClient http) {
        this.root = root;
        this.http = http;
    }

    /** Fetches every resource not already present with the right checksum; returns the final paths. */
    public List<Path> fetchAll(List<Resource> resources) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Resource r : resources) {
            out.add(fetch(r));
        }
        return out;
    }

    /**
     * Fetches one resource, trying its mirrors in order. A file already in place is kept if its checksum matches.
     *
     * @throws IOException naming the file, the mirrors tried and, when no mirror could be reached, where to put
     *                     the file by hand
     */
    public Path fetch(Resource r) throws IOException {
        Path dest = root.resolve(r.folder()).resolve(r.fileName());
        if (Files.exists(dest) && sha256(dest).equals(r.sha256())) {
            return dest;
        }
        Files.createDirectories(dest.getParent());
        List<String> failures = new ArrayList<>();
        boolean reachedAny = false;
        for (URI mirror : r.mirrors()) {
            URI uri = mirror.resolve(r.fileName());
            Path tmp = AtomicFiles.tempFile(dest.getParent(), "." + r.fileName() + ".", ".part");
            try {
                HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                reachedAny = true;
                if (resp.statusCode() != 200) {
                    resp.body().close();
                    failures.add(uri + ": HTTP " + resp.statusCode());
                    continue;
                }
                MessageDigest md = Sha256.digest();
                long n = 0;
                try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(tmp)) {
                    byte[] buf = new byte[1 << 16];
                    for (int k; (k = in.read(buf)) > 0; n += k) {
                        md.update(buf, 0, k);
                        out.write(buf, 0, k);
                    }
                }
                String got = HexFormat.of().formatHex(md.digest());
                if (!got.equals(r.sha256())) {
                    failures.add(uri + ": checksum mismatch after " + n + " bytes (expected " + r.bytes() + " bytes with SHA-256 "
                            + r.sha256() + ", got SHA-256 " + got + "): truncated or altered download");
                    continue;
                }
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Progress.log("ark4j: downloaded " + dest + " (" + n + " bytes, SHA-256 verified)");
                return dest;
            } catch (java.net.ConnectException | java.net.UnknownHostException | java.net.http.HttpConnectTimeoutException e) {
                failures.add(uri + ": unreachable (" + e + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("download of " + uri + " interrupted", e);
            } catch (IOException e) {
                reachedAny = true;
                failures.add(uri + ": " + io.github.ark4j.util.Problems.describe(e));
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String where = "download " + r.fileName() + " (" + r.bytes() + " bytes, SHA-256 " + r.sha256() + ") by hand from "
                + r.mirrors().get(0).resolve(r.fileName()) + " and put it at " + dest.toAbsolutePath();
        throw new IOException((reachedAny ? "could not download " : "offline: no mirror reachable for ") + r.fileName() + ": "
                + String.join("; ", failures) + ". To continue, " + where);
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = Sha256.digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int k; (k = in.read(buf)) > 0; ) {
                md.update(buf, 0, k);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
