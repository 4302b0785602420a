package dev.rstt.gateway.support;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test class's {@code @BeforeAll} opened, after the class's last test: the last opened first, as
 * try-with-resources would, and also what was opened before a {@code @BeforeAll} failed halfway. Each is closed even
 * when an earlier one fails to close; the first failure is thrown with the others suppressed. As
 * {@code @RegisterExtension static final AfterAllCloser closer = new AfterAllCloser();} with
 * {@code gw = closer.add(GatewayInstance.start(...))} in the {@code @BeforeAll}.
 */
public final class AfterAllCloser implements AfterAllCallback {

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** {@code resource}, to be closed after the class's last test. */
  public synchronized <T extends AutoCloseable> T add(T resource) {
    opened.push(resource);
    return resource;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    Exception failed = null;
    for (AutoCloseable resource = next(); resource != null; resource = next()) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  private synchronized AutoCloseable next() {
    return opened.poll();
  }
}
