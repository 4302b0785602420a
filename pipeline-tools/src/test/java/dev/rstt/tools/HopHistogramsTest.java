package dev.rstt.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HopHistogramsTest {

  private static HopHistograms.Snapshot snapshot(String exposition) {
    Map<String, TreeMap<Double, Double>> hops = new LinkedHashMap<>();
    HopHistograms.parse(exposition, hops);
    return new HopHistograms.Snapshot(hops);
  }

  private static String exposition(int le10ms, int le50ms, int le100ms, int inf) {
    return """
        # HELP rstt_hop_gateway_audio_seconds App audio received to acknowledged
        # TYPE rstt_hop_gateway_audio_seconds histogram
        rstt_hop_gateway_audio_seconds_bucket{application="ingest-gateway",le="0.01"} %d
        rstt_hop_gateway_audio_seconds_bucket{application="ingest-gateway",le="0.05"} %d
        rstt_hop_gateway_audio_seconds_bucket{application="ingest-gateway",le="0.1"} %d
        rstt_hop_gateway_audio_seconds_bucket{application="ingest-gateway",le="+Inf"} %d
        rstt_hop_gateway_audio_seconds_count{application="ingest-gateway"} %d
        rstt_gateway_publish_latency_seconds_bucket{le="0.01"} 99
        """.formatted(le10ms, le50ms, le100ms, inf, inf);
  }

  @Test
  void shouldGiveThePercentilesOfTheWindowOnlyInterpolatedWithinTheirBucket() {
    // before the window: 1000 fast records that must not count
    HopHistograms.Snapshot before = snapshot(exposition(1000, 1000, 1000, 1000));
    // in the window: 50 in (0, 10 ms], 40 in (10, 50], 10 in (50, 100]
    HopHistograms.Snapshot after = snapshot(exposition(1050, 1090, 1100, 1100));
    Map<String, Map<String, Object>> window = HopHistograms.window(before, after);
    assertThat(window).containsOnlyKeys("gateway.audio");
    Map<String, Object> hop = window.get("gateway.audio");
    assertThat(hop.get("count")).isEqualTo(100L);
    assertThat((Double) hop.get("p50_ms")).isCloseTo(10.0, within(1e-9));
    assertThat((Double) hop.get("p99_ms")).isCloseTo(95.0, within(1e-9));
  }

  @Test
  void shouldSumTheBucketsOfOneHopAcrossTagsAndAnswerNullForAnEmptyWindow() {
    Map<String, TreeMap<Double, Double>> hops = new LinkedHashMap<>();
    HopHistograms.parse(exposition(1, 2, 3, 4), hops);
    HopHistograms.parse(exposition(1, 2, 3, 4), hops);
    assertThat(hops.get("rstt_hop_gateway_audio").get(Double.POSITIVE_INFINITY)).isEqualTo(8.0);
    HopHistograms.Snapshot same = new HopHistograms.Snapshot(hops);
    assertThat(HopHistograms.window(same, same).get("gateway.audio").get("p99_ms")).isNull();
  }

  @Test
  void shouldAnswerTheHighestFiniteBoundForRanksAboveIt() {
    TreeMap<Double, Double> cumulative = new TreeMap<>(Map.of(0.01, 1.0, 0.1, 1.0, Double.POSITIVE_INFINITY, 10.0));
    assertThat(HopHistograms.quantile(cumulative, 0.99)).isCloseTo(100.0, within(1e-9));
  }
}
