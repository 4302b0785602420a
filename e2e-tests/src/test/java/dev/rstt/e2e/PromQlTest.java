package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void shouldFindTheMetricsNotTheFunctionsLabelsOrKeywords() {
    assertThat(PromQl.metricNames(
        "histogram_quantile(0.99, sum by (le) (rate(rstt_gateway_publish_latency_seconds_bucket[5m])))"))
        .containsExactly("rstt_gateway_publish_latency_seconds_bucket");
    assertThat(PromQl.metricNames("max by (name, state) (resilience4j_circuitbreaker_state{state=~\"open|half_open\"})"))
        .containsExactly("resilience4j_circuitbreaker_state");
    assertThat(PromQl.metricNames("(sum by (job) (a_lag) > 100) and (deriv((sum by (job) (a_lag))[5m:30s]) > 0)"))
        .containsExactly("a_lag");
    assertThat(PromQl.metricNames("up == 0 or rate(x_total[1m]) > 1e3")).containsExactly("up", "x_total");
  }
}
