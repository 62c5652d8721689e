package io.github.ark4j;

import io.github.ark4j.engine.Engine;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives the test JVM the engine's process-wide setting that the command line and the notebooks make at start-up
 * ({@link Engine#useBlasThreads}), so that the tests run the engine as users do. Registered for every test class
 * through JUnit's extension auto-detection ({@code junit-platform.properties}).
 */
public final class EngineProcessSettings implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
    }
}
