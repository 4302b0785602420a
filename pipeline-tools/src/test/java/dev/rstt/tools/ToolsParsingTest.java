package dev.rstt.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text the tools read from other programs and from the environment. */
class ToolsParsingTest {

  @Test
  void liveHeapIsTheTotalOfTheClassHistogram() {
    String histogram = """
        17972:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:        120131       25894520  [B (java.base@17.0.16)
           2:         28081        5712344  [Ljava.lang.Object; (java.base@17.0.16)
        5674:             1             16  tools.jackson.databind.util.NameTransformer$NopTransformer
        Total        574305       68818624
        """;
    assertThat(BenchCli.liveHeapKib(histogram)).isEqualTo(68818624L / 1024);
  }

  @Test
  void outputWithoutATotalIsAnError() {
    assertThatThrownBy(() -> BenchCli.liveHeapKib("4242:\nCould not find any process"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4242:");
  }

  @Test
  void brokerSettingsFromKafkaCfgVariables() {
    assertThat(LocalKafka.overrides(Map.of("KAFKA_CFG_NUM_IO_THREADS", "2", "KAFKA_CFG_", "x", "HOME", "/root",
        "KAFKA_PORT", "9092"))).containsExactly(Map.entry("num.io.threads", "2"));
  }
}
