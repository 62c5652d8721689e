package io.github.ark4j.cli;

import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.data.Downloader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download the official MNIST and/or CIFAR-10 files into the data root (-Dark4j.data, ARK4J_DATA or data/),"
                + " checking each file's pinned SHA-256 before moving it into place.")
final class DownloadCommand implements Callable<Integer> {
    @Parameters(arity = "1..2", description = "mnist and/or cifar10.")
    String[] datasets;

    @Override
    public Integer call() throws Exception {
        Path root = DataDirectory.resolve();
        Downloader d = new Downloader(root);
        for (String s : datasets) {
            switch (s) {
                case "mnist" -> d.fetchAll(Downloader.MNIST);
                case "cifar10", "cifar-10" -> d.fetchAll(Downloader.CIFAR10);
                default -> throw new IllegalArgumentException("unknown dataset '" + s + "', expected mnist or cifar10");
            }
        }
        System.out.println("data in " + root.toAbsolutePath());
        return 0;
    }
}
