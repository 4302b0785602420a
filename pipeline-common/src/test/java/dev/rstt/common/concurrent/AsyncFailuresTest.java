package dev.rstt.common.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class AsyncFailuresTest {

  @Test
  void shouldLookThroughNestedFutureWrappers() {
    IOException cause = new IOException("reset");
    assertThat(AsyncFailures.unwrap(new CompletionException(new ExecutionException(cause)))).isSameAs(cause);
    assertThat(AsyncFailures.unwrap(cause)).isSameAs(cause);
  }

  @Test
  void shouldKeepAWrapperWithoutCauseAndOtherWrappers() {
    CompletionException empty = new CompletionException("no cause", null);
    assertThat(AsyncFailures.unwrap(empty)).isSameAs(empty);
    RuntimeException other = new RuntimeException(new IOException("inside"));
    assertThat(AsyncFailures.unwrap(other)).isSameAs(other);
  }
}
