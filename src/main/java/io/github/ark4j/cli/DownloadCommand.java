package io.github.ark4j.cli;

import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.data.Downloader;
import io.github.ark4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download the official MNIST and/or CIFAR-10 files into the data root (-Dark4j.data or ARK4J_DATA; without"
                + " either, the user data folder ~/.local/share/ark4j/data, which ark4j then reads; never the kit's own data/),"
                + " checking each file's pinned SHA-256 before moving it into place.")
final class DownloadCommand implements Callable<Integer> {
    @Parameters(arity = "1..2", description = "mnist and/or cifar10.")
    String[] datasets;

    @Override
    public Integer call() throws Exception {
        Path root = DataDirectory.configured().orElseGet(DataDirectory::userFolder);
        if (Files.isDirectory(root) && Files.isDirectory(DataDirectory.embedded()) && Files.isSameFile(root, DataDirectory.embedded())) {
            throw new IllegalArgumentException(DataDirectory.ENVIRONMENT + " (or -D" + DataDirectory.PROPERTY + ") names the kit's own data folder "
                    + root + ", whose embedded MNIST subset the tests and shipped models expect: download into another folder");
        }
        AtomicFiles.requireWritable(root, "the data folder", "set ARK4J_DATA to a folder you can write to");
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
