package io.github.ark4j.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.*;

/** A configured data root is one absolute path however it is spelled: datasets are named after their folder. */
class DataDirectoryTest {

    @Test
    void aRelativeDataRootResolvesToItsAbsolutePath() {
        String before = System.getProperty(DataDirectory.PROPERTY);
        try {
            System.setProperty(DataDirectory.PROPERTY, "target/../data");
            Path resolved = DataDirectory.resolve();
            assertTrue(resolved.isAbsolute(), resolved.toString());
            assertEquals(Paths.get("data").toAbsolutePath().normalize(), resolved);
        } finally {
            if (before == null) {
                System.clearProperty(DataDirectory.PROPERTY);
            } else {
                System.setProperty(DataDirectory.PROPERTY, before);
            }
        }
    }
}
