package dev.rstt.common.deepgram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DeepgramFailureTest {

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 402, 403, 404, 413})
  void shouldTreatRequestAndAccountErrorsAsPermanent(int status) {
    assertThat(DeepgramFailure.ofStatus(status)).isEqualTo(DeepgramFailure.PERMANENT);
    DeepgramException e = new DeepgramException(status, "X", "m", "r", null);
    assertThat(DeepgramFailure.isRetryable(e)).isFalse();
    assertThat(DeepgramFailure.isBreakerFailure(e)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  void shouldTreatOverloadAndServerErrorsAsTransient(int status) {
    assertThat(DeepgramFailure.ofStatus(status)).isEqualTo(DeepgramFailure.TRANSIENT);
    DeepgramException e = new DeepgramException(status, "X", "m", "r", null);
    assertThat(DeepgramFailure.isRetryable(e)).isTrue();
    assertThat(DeepgramFailure.isBreakerFailure(new CompletionException(e))).isTrue();
  }

  @Test
  void shouldTreatIoAndTimeoutsAsTransientBreakerFailures() {
    assertThat(DeepgramFailure.of(new IOException("reset"))).isEqualTo(DeepgramFailure.TRANSIENT);
    assertThat(DeepgramFailure.isBreakerFailure(new HttpTimeoutException("slow"))).isTrue();
    assertThat(DeepgramFailure.isBreakerFailure(new TimeoutException())).isTrue();
    assertThat(DeepgramFailure.isBreakerFailure(DeepgramException.socketDied("1011"))).isTrue();
  }

  @Test
  void shouldNotBlameDeepgramForOurOwnBugs() {
    assertThat(DeepgramFailure.isBreakerFailure(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void shouldRefuseToClassifyASuccess() {
    assertThatThrownBy(() -> DeepgramFailure.ofStatus(200)).isInstanceOf(IllegalArgumentException.class);
  }
}
