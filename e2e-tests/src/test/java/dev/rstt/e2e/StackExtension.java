package dev.rstt.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A default {@link Stack} for a test class: its services started, in the order named, before the class's first test,
 * and the stack closed after its last (also when a service fails to start). As
 * {@code @RegisterExtension static final StackExtension e2e = new StackExtension().withMerger().withSttWorker().withGateway();}
 * a test reads {@code e2e.stack()} and {@code e2e.gateway()}. A class whose stack is built otherwise (its own broker,
 * its own settings) keeps its own {@code @BeforeAll}.
 */
final class StackExtension implements BeforeAllCallback, AfterAllCallback {

  private final List<Consumer<Stack>> starts = new ArrayList<>();
  private Stack stack;
  private ServiceProcess gateway;

  StackExtension withMerger() {
    starts.add(Stack::startMerger);
    return this;
  }

  StackExtension withSttWorker() {
    starts.add(Stack::startSttWorker);
    return this;
  }

  StackExtension withBatchWorker() {
    starts.add(Stack::startBatchWorker);
    return this;
  }

  /** The gateway the tests' apps connect to ({@link #gateway()}). */
  StackExtension withGateway() {
    starts.add(s -> gateway = s.startGateway());
    return this;
  }

  Stack stack() {
    if (stack == null) {
      throw new IllegalStateException("the stack runs only between the class's @BeforeAll and @AfterAll");
    }
    return stack;
  }

  ServiceProcess gateway() {
    if (gateway == null) {
      throw new IllegalStateException("no gateway started: add withGateway() to the extension");
    }
    return gateway;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    stack = new Stack();
    try {
      starts.forEach(start -> start.accept(stack));
    } catch (RuntimeException | Error e) {
      try {
        close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  private void close() throws Exception {
    Stack started = stack;
    stack = null;
    gateway = null;
    if (started != null) {
      started.close();
    }
  }
}
